package dev.defensebench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultsCsvTest {

    @TempDir
    Path dir;

    private static final String HEADER = String.join(",", ResultColumn.headers());

    private static final String GOOD_LINE =
            "nightly,vanilla/mlp/s0,vanilla,mlp,mnist,unit,0,h1,fgsm,Linf,0.1,100,0.98,0.5,0.4,0.6,,10.0,1.0,{},white-box,250.0,"
                    + "FGSM,gradient,";

    @Test
    void roundTripKeepsEveryValue() throws IOException {
        ResultRow awkward = ResultRow.builder().experiment("exp, \"quoted\"").model("weird, \"model\"\nsecond line")
                .defense("vanilla").architecture("mlp").dataset("mnist").preprocessing("unit").seed(Long.MIN_VALUE)
                .cellHash("").attack("clean").norm("none").epsilon(0.0).samples(10_000).cleanAccuracy(0.1 + 0.2)
                .robustAccuracy(0.1 + 0.2).robustCi(0.28, 0.31).attackSeconds(0.0).attackParams("{\"a\":\"x,y\"}").build();
        ResultRow deepfool = TestRows.row("df/lenet/s1", "deep-defense", "deepfool", "L2", 1.5, 0.99, 0.25,
                0.123456789012345);
        ResultRow fgsm = TestRows.attack("fgsm-at/lenet/s1", "fgsm-at", "fgsm", "Linf", 8.0 / 255, 0.97,
                1e-300);
        List<ResultRow> rows = List.of(awkward, deepfool, fgsm);
        Path file = dir.resolve("results.csv");

        ResultsCsv.write(file, rows);

        assertThat(ResultsCsv.read(file)).containsExactlyElementsOf(rows);
        assertThat(Files.readAllLines(file).get(0)).isEqualTo(HEADER);
        assertThat(Files.readString(file)).contains(",0.30000000000000004,").contains(",,");
    }

    @Test
    void emptyListWritesOnlyTheHeader() throws IOException {
        Path file = dir.resolve("results.csv");
        ResultsCsv.write(file, List.of());
        assertThat(Files.readString(file)).isEqualTo(HEADER + "\n");
        assertThat(ResultsCsv.read(file)).isEmpty();
    }

    @Test
    void badNumberNamesFileLineColumnExpectedAndFound() throws IOException {
        // Row 1 spans lines 2-3 (quoted newline), so the bad row is on line 4.
        String multiLine = GOOD_LINE.replace("vanilla/mlp/s0", "\"two\nlines\"");
        String bad = GOOD_LINE.replace(",0.1,100,", ",abc,100,");
        Path file = write(HEADER, multiLine, bad);

        assertThatThrownBy(() -> ResultsCsv.read(file))
                .isInstanceOfSatisfying(ResultsCsvException.class, e -> {
                    assertThat(e.line()).isEqualTo(4);
                    assertThat(e.column()).isEqualTo("epsilon");
                })
                .hasMessageStartingWith(file + ":4: column 'epsilon'")
                .hasMessageContaining("field 11")
                .hasMessageContaining("expected decimal number")
                .hasMessageContaining("found \"abc\"");
    }

    @Test
    void badIntegerAndBadJsonAreNamed() throws IOException {
        Path samples = write(HEADER, GOOD_LINE.replace(",100,", ",12.5,"));
        assertThatThrownBy(() -> ResultsCsv.read(samples)).hasMessageContaining(":2: column 'samples'")
                .hasMessageContaining("expected integer (32-bit), found \"12.5\"");

        Path seed = write(HEADER, GOOD_LINE.replace(",unit,0,", ",unit, 0,"));
        assertThatThrownBy(() -> ResultsCsv.read(seed)).hasMessageContaining(":2: column 'seed'");

        Path json = write(HEADER, GOOD_LINE.replace(",{}", ",{oops"));
        assertThatThrownBy(() -> ResultsCsv.read(json)).hasMessageContaining(":2: column 'attack_params'")
                .hasMessageContaining("expected JSON");
    }

    @Test
    void outOfRangeAccuracyIsReportedWithItsLine() throws IOException {
        Path file = write(HEADER, GOOD_LINE, GOOD_LINE.replace(",0.98,", ",1.5,"));
        assertThatThrownBy(() -> ResultsCsv.read(file)).isInstanceOf(ResultsCsvException.class)
                .hasMessageContaining(":3:").hasMessageContaining("clean_accuracy must be in [0, 1]");
    }

    @Test
    void missingColumnIsNamed() throws IOException {
        List<String> header = ResultColumn.headers().stream().filter(h -> !h.equals("rho2")).toList();
        Path file = write(String.join(",", header), GOOD_LINE.replace(",0.6,,", ",0.6,"));

        assertThatThrownBy(() -> ResultsCsv.read(file))
                .isInstanceOfSatisfying(ResultsCsvException.class, e -> assertThat(e.column()).isEqualTo("rho2"))
                .hasMessageContaining(":1:").hasMessageContaining("missing column 'rho2'");
    }

    @Test
    void unexpectedColumnIsNamed() throws IOException {
        Path file = write(HEADER + ",extra", GOOD_LINE + ",1");
        assertThatThrownBy(() -> ResultsCsv.read(file)).hasMessageContaining("unexpected column 'extra' (field 26)");
    }

    @Test
    void columnsMayComeInAnyOrder() throws IOException {
        String[] header = HEADER.split(",");
        String[] values = GOOD_LINE.split(",", -1);
        swap(header, 0, 1);
        swap(values, 0, 1);
        Path file = write(String.join(",", header), String.join(",", values));
        assertThat(ResultsCsv.read(file)).singleElement()
                .satisfies(r -> assertThat(r.model()).isEqualTo("vanilla/mlp/s0"));
    }

    @Test
    void wrongFieldCountNamesTheLine() throws IOException {
        Path file = write(HEADER, GOOD_LINE, GOOD_LINE.substring(0, GOOD_LINE.lastIndexOf(',')));
        assertThatThrownBy(() -> ResultsCsv.read(file)).hasMessageContaining(":3:")
                .hasMessageContaining("expected 25 fields, found 24");
    }

    @Test
    void aFileWrittenBeforeTheAttackLabelAndTraitsColumnsReadsWithTheIdAsLabel() throws IOException {
        List<String> header = ResultColumn.headers().subList(0, ResultColumn.headers().size() - 3);
        Path file = write(String.join(",", header), GOOD_LINE.substring(0, GOOD_LINE.indexOf(",FGSM,")));
        assertThat(ResultsCsv.read(file)).singleElement().satisfies(r -> {
            assertThat(r.attackLabel()).isEqualTo("fgsm");
            assertThat(r.attackTraits()).isEmpty();
        });
    }

    @Test
    void aCertifiedRowKeepsItsAbstentionsAndAFileWithoutTheColumnReadsNaN() throws IOException {
        ResultRow certified = ResultRow.builder().experiment("e").model("gauss/mlp/s0").defense("gaussian-augmentation")
                .architecture("mlp").dataset("mnist").preprocessing("unit").seed(0).cellHash("h")
                .attack("randomized-smoothing").norm("L2").epsilon(0.5).samples(100).cleanAccuracy(0.97).robustAccuracy(0.61)
                .robustCi(0.51, 0.70).trainSeconds(1).attackSeconds(2).attackParams("{\"sigma\":0.25}")
                .access(ResultRow.WHITE_BOX).attackLabel("Randomized smoothing").attackTraits(ResultRow.CERTIFIED)
                .abstentions(7).build();
        Path file = dir.resolve("certified.csv");
        ResultsCsv.write(file, List.of(certified));
        assertThat(ResultsCsv.read(file)).singleElement().satisfies(r -> {
            assertThat(r.abstentions()).isEqualTo(7);
            assertThat(r.isCertified()).isTrue();
        });
        List<String> header = ResultColumn.headers().subList(0, ResultColumn.headers().size() - 1);
        Path old = write(String.join(",", header), GOOD_LINE.substring(0, GOOD_LINE.length() - 1));
        assertThat(ResultsCsv.read(old)).singleElement().satisfies(r -> {
            assertThat(r.abstentions()).isNaN();
            assertThat(r.isCertified()).isFalse();
        });
    }

    @Test
    void unterminatedQuoteIsReportedAsMalformed() throws IOException {
        Path file = write(HEADER, GOOD_LINE.replace("vanilla/mlp/s0", "\"open"));
        assertThatThrownBy(() -> ResultsCsv.read(file)).isInstanceOf(ResultsCsvException.class)
                .hasMessageStartingWith(file.toString()).hasMessageContaining("malformed CSV");
    }

    @Test
    void emptyFileIsAnError() throws IOException {
        Path file = write();
        assertThatThrownBy(() -> ResultsCsv.read(file)).hasMessageContaining("empty file");
    }

    @Test
    void failedWriteLeavesNoFileAndNoTemporaryFile() throws IOException {
        Path file = dir.resolve("results.csv");
        assertThatThrownBy(() -> ResultsCsv.write(file, failingAfter(2))).isInstanceOf(IllegalStateException.class);
        assertThat(listing()).isEmpty();

        assertThatThrownBy(() -> ResultsCsv.write(file, Arrays.asList(TestRows.clean("a", "v", 0.9), null)))
                .isInstanceOf(NullPointerException.class);
        assertThat(listing()).isEmpty();
    }

    @Test
    void failedWriteKeepsThePreviousFile() throws IOException {
        Path file = dir.resolve("results.csv");
        List<ResultRow> old = List.of(TestRows.clean("a", "vanilla", 0.9));
        ResultsCsv.write(file, old);
        byte[] before = Files.readAllBytes(file);

        assertThatThrownBy(() -> ResultsCsv.write(file, failingAfter(3))).isInstanceOf(IllegalStateException.class);

        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(listing()).containsExactly("results.csv");
    }

    @Test
    void successfulWriteReplacesTheFileAndCleansUp() throws IOException {
        Path file = dir.resolve("sub").resolve("results.csv");
        ResultsCsv.write(file, List.of(TestRows.clean("a", "vanilla", 0.9)));
        ResultsCsv.write(file, List.of(TestRows.clean("b", "vanilla", 0.8)));
        assertThat(ResultsCsv.read(file)).extracting(ResultRow::model).containsExactly("b");
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("results.csv");
        }
    }

    /** A list whose element {@code failAt} throws, as a writer crashing half-way would. */
    private static List<ResultRow> failingAfter(int failAt) {
        return new AbstractList<>() {
            @Override
            public ResultRow get(int index) {
                if (index == failAt) {
                    throw new IllegalStateException("boom at row " + index);
                }
                return TestRows.clean("m" + index, "vanilla", 0.5);
            }

            @Override
            public int size() {
                return failAt + 5;
            }
        };
    }

    private List<String> listing() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private Path write(String... lines) throws IOException {
        Path file = dir.resolve("in.csv");
        Files.writeString(file, lines.length == 0 ? "" : String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return file;
    }

    private static void swap(String[] array, int i, int j) {
        String t = array[i];
        array[i] = array[j];
        array[j] = t;
    }

    @Test
    void aRobustAccuracyAboveTheCleanAccuracyOfTheSameRowIsRefused() throws IOException {
        // GOOD_LINE: clean 0.98, robust 0.5; an edit to 0.99 claims the attack made the model right more often
        assertThat(ResultsCsv.read(write(HEADER, GOOD_LINE))).hasSize(1);
        Path edited = write(HEADER, GOOD_LINE, GOOD_LINE.replace(",0.98,0.5,", ",0.98,0.99,"));
        assertThatThrownBy(() -> ResultsCsv.read(edited)).isInstanceOf(ResultsCsvException.class)
                .hasMessage(edited + ":3: column 'robust_accuracy': robust accuracy 0.99 is above the clean accuracy 0.98 of "
                        + "vanilla/mlp/s0 on the same test points (fgsm, Linf eps 0.1); an attack cannot raise accuracy: "
                        + "the file was edited or is damaged");
        assertThat(ResultsCsv.read(write(HEADER, GOOD_LINE.replace(",0.98,0.5,", ",0.98,0.98,")))).hasSize(1);
    }
}
