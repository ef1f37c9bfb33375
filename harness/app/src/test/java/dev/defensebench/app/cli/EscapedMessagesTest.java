package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bytes that would break a message into lines or change the terminal are shown escaped in every error. */
class EscapedMessagesTest {

    private static final String ESC = "\u001b";

    @Test
    void aNameWithEscapeNulOrNewlineIsEchoedEscapedOnOneLine(@TempDir Path dir) throws Exception {
        for (String bad : new String[] {"red" + ESC + "[31mname", "nul\u0000name", "two\"\n  - lines"}) {
            String yamlName = bad.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
                    .replace("\u0000", "\\0").replace(ESC, "\\e");
            Path experiment = Files.writeString(dir.resolve("e.yaml"),
                    CliTest.VALID.replace("  - name: vanilla", "  - name: \"" + yamlName + "\""));
            CliRun r = CliRun.of("run", experiment.toString(), "--out", dir.resolve("out").toString());

            assertThat(r.code()).as(bad).isEqualTo(2);
            assertThat(r.err()).as(bad).contains("'name' must use only").doesNotContain(ESC).doesNotContain("\u0000");
            assertThat(r.err().lines()).as(bad).hasSize(1);
        }
    }

    @Test
    void theEscapedFormShowsEachByte(@TempDir Path dir) throws Exception {
        Path experiment = Files.writeString(dir.resolve("e.yaml"),
                CliTest.VALID.replace("  - name: vanilla", "  - name: \"a\\e[31mb\\0c\\nd\\te\""));
        CliRun r = CliRun.of("run", experiment.toString(), "--out", dir.resolve("out").toString());

        assertThat(r.err()).contains("found 'a\\u001B[31mb\\u0000c\\nd\\te'");
    }

    @Test
    void anOptionValueWithAnEscapeIsEchoedEscaped() {
        CliRun r = CliRun.of("bench", "--mode", "x" + ESC + "]0;title" + "\u0007");

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--mode must be step, attacks, certify or scale, found 'x\\u001B]0;title\\u0007'")
                .doesNotContain(ESC).doesNotContain("\u0007");
    }

    @Test
    void bidiOverridesAndLineSeparatorsAreEscapedToo() {
        assertThat(TerminalText.escaped("a\u202Eb\u2028c\u0085d")).isEqualTo("a\\u202Eb\\u2028c\\u0085d");
        assertThat(TerminalText.escaped("plain ünïcode ε-ball ✓")).isEqualTo("plain ünïcode ε-ball ✓");
    }
}
