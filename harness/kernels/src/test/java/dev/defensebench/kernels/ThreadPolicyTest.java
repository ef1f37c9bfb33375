package dev.defensebench.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The thread settings follow the free CPUs at start, and the user's own settings always win. */
class ThreadPolicyTest {

    @Test
    void aQuietMachineKeepsTheDefaultsAndSaysNothing() {
        ThreadPolicy.Choice c = ThreadPolicy.choose(Map.of(), 2, 0);
        assertThat(c.environment()).isEmpty();
        assertThat(c.note()).isEmpty();
        assertThat(c.exports()).isEmpty();
    }

    @Test
    void aBusyMachineGetsOneThreadPerFreeCpuAndAPassiveWait() {
        ThreadPolicy.Choice one = ThreadPolicy.choose(Map.of(), 2, 2);
        assertThat(one.exports()).isEqualTo("OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE");
        assertThat(one.note()).contains("the machine is busy (2 other processes running on the 2 CPUs this run may use)")
                .contains("OMP_NUM_THREADS=1, OMP_WAIT_POLICY=PASSIVE");
        assertThat(ThreadPolicy.choose(Map.of(), 8, 3).environment()).containsEntry("OMP_NUM_THREADS", "5");
        assertThat(ThreadPolicy.choose(Map.of(), 4, 40).environment()).containsEntry("OMP_NUM_THREADS", "1");
    }

    @Test
    void theUsersSettingsWin() {
        ThreadPolicy.Choice threads = ThreadPolicy.choose(Map.of("OMP_NUM_THREADS", "2"), 2, 3);
        assertThat(threads.exports()).isEqualTo("OMP_WAIT_POLICY=PASSIVE");
        assertThat(threads.note()).contains("your OMP_NUM_THREADS=2");
        ThreadPolicy.Choice both = ThreadPolicy.choose(Map.of("OMP_NUM_THREADS", "2", "OMP_WAIT_POLICY", "ACTIVE"), 2, 3);
        assertThat(both.environment()).isEmpty();
        assertThat(both.note()).contains("keeping your OMP_NUM_THREADS=2 and OMP_WAIT_POLICY=ACTIVE");
    }

    @Test
    void theRunningCountIsReadFromLoadavgLessThisProcess(@TempDir Path dir) throws IOException, InterruptedException {
        Path loadavg = dir.resolve("loadavg");
        Path tasks = tasks(dir, "R");
        Files.writeString(loadavg, "12.91 13.40 12.02 4/1302 77712\n");
        assertThat(ThreadPolicy.othersRunning(loadavg, tasks, 3, 0)).isEqualTo(3);
        Files.writeString(loadavg, "0.10 0.05 0.01 1/300 123\n");
        assertThat(ThreadPolicy.othersRunning(loadavg, tasks, 1, 0)).isZero();
        assertThat(ThreadPolicy.othersRunning(dir.resolve("missing"), tasks, 3, 0)).as("not Linux: assume quiet").isZero();
        assertThatThrownBy(() -> ThreadPolicy.running("garbage")).hasMessageContaining("not a /proc/loadavg line");
    }

    @Test
    void thisProcesssOwnRunningThreadsAreNotOthers(@TempDir Path dir) throws IOException, InterruptedException {
        Path loadavg = dir.resolve("loadavg");
        Files.writeString(loadavg, "1.63 1.73 2.14 3/109 9765\n");
        // a starting JVM: main, a compiler thread (its name has a space and a parenthesis) and the collector run
        Path tasks = tasks(dir, "R", "R", "S", "R");
        assertThat(ThreadPolicy.othersRunning(loadavg, tasks, 3, 0)).isZero();
        assertThat(ThreadPolicy.othersRunning(loadavg, tasks(dir.resolve("one"), "R", "S"), 1, 0)).isEqualTo(2);
        assertThat(ThreadPolicy.ownRunning(dir.resolve("no-tasks"))).as("unreadable: the reader alone").isEqualTo(1);
        assertThat(ThreadPolicy.ownRunning(tasks(dir.resolve("none"), "S"))).as("at least the reader").isEqualTo(1);
    }

    /** A {@code /proc/self/task}-like folder with one thread per state. */
    private static Path tasks(Path dir, String... states) throws IOException {
        Path tasks = Files.createDirectories(dir.resolve("task"));
        for (int i = 0; i < states.length; i++) {
            Path thread = Files.createDirectories(tasks.resolve(String.valueOf(100 + i)));
            String name = i == 1 ? "C2 CompilerThre) x" : "java";
            Files.writeString(thread.resolve("stat"), (100 + i) + " (" + name + ") " + states[i] + " 1 100 100 0 -1\n");
        }
        return tasks;
    }
}
