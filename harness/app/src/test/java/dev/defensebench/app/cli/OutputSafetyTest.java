package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.defensebench.app.run.OutputLock;
import dev.defensebench.app.run.WriteTarget;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs are never clobbered silently: merge into an input, a locked --out, unwritable targets, interruption. */
class OutputSafetyTest {

    @Test
    void mergeRefusesAnOutputThatIsOneOfItsInputs(@TempDir Path dir) throws IOException {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        CliRun r = CliRun.of("merge", a.toString(), b.toString(), "--out", dir.resolve("a/../a").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("is one of the shard directories").doesNotContain("\tat ");
        try (var files = Files.list(a)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void aSecondRunOnTheSameOutputIsRefusedNamingTheLockAndItsHolder(@TempDir Path dir) throws IOException {
        Path exp = Files.writeString(dir.resolve("exp.yaml"), CliTest.VALID);
        Path out = dir.resolve("out");
        try (OutputLock held = OutputLock.acquire(out)) {
            CliRun second = CliRun.of("run", exp.toString(), "--out", out.toString(), "--data-dir",
                    dir.resolve("data").toString());
            assertThat(second.code()).isEqualTo(2);
            assertThat(second.err()).contains(out.resolve(OutputLock.FILE).toAbsolutePath().toString())
                    .contains("another run (PID " + ProcessHandle.current().pid() + ")").doesNotContain("\tat ");
        }
        assertThat(dir.resolve("data")).doesNotExist();
        // released: the next lock succeeds
        OutputLock.acquire(out).close();
    }

    @Test
    void exportToAnUnwritablePlaceNamesTheTargetBeforeAnyWork(@TempDir Path dir) {
        CliRun r = CliRun.of("export", dir.resolve("no-model").toString(), "--onnx", "/proc/x.onnx");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("cannot write /proc/x.onnx: its directory does not exist or does not accept new files")
                .doesNotContain("no-model").doesNotContain(".tmp").doesNotContain("\tat ");
    }

    @Test
    void aFullDiskNamesTheTarget() {
        Path target = Path.of("/tmp/model.onnx");
        IOException full = null;
        try {
            Files.write(Path.of("/dev/full"), new byte[1 << 16]);
        } catch (IOException e) {
            full = e;
        }
        assertThat(full).as("/dev/full reports ENOSPC").isNotNull();
        assertThat(WriteTarget.failure(target, full)).hasMessage("cannot write /tmp/model.onnx: No space left on device");
    }

    @Test
    void sigtermAndCtrlCPrintOneLineSayingFinishedCellsAreKept(@TempDir Path dir) throws Exception {
        for (String signal : new String[] {"TERM", "INT"}) {
            // the JVM option variables of a CI runner would add a "Picked up ..." line to the child's stderr
            Process p = ChildJvm.of(Map.of("JAVA_TOOL_OPTIONS", "-Dfrom.the.environment=1"), InterruptNoticeMain.class,
                    dir.toString()).start();
            try {
                BufferedReader stdout = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                assertThat(stdout.readLine()).isEqualTo("ready");
                assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor())
                        .as("kill -" + signal).isZero();
                // a bound on a loaded CI machine, not a timing: the child sleeps 120 s, and exits without the
                // notice if the signal never reaches it
                assertThat(p.waitFor(150, TimeUnit.SECONDS)).as(signal + ": the child exited").isTrue();
                String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(err).as(signal).isEqualTo(InterruptNotice.message(dir) + System.lineSeparator());
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void theLockRejectsASecondHolderInTheSameProcessToo(@TempDir Path dir) throws IOException {
        try (OutputLock first = OutputLock.acquire(dir)) {
            assertThatThrownBy(() -> OutputLock.acquire(dir)).isInstanceOf(IOException.class)
                    .hasMessageContaining("PID " + ProcessHandle.current().pid());
        }
    }
}
