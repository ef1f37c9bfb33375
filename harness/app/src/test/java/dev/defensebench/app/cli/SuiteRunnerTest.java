package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The busy rows of {@code bench suite}: the loops it starts and ends, and the launcher's policy chosen beside them. */
class SuiteRunnerTest {

    @Test
    void busyLoopsRunUntilClosedAndAreGoneAfter() throws IOException {
        List<Long> pids;
        try (BusyLoops loops = new BusyLoops(2, 100)) {
            assertThat(loops.running()).isTrue();
            pids = loops.pids();
            assertThat(pids).hasSize(2).doesNotHaveDuplicates();
        }
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid " + pid).isFalse();
        }
    }

    @Test
    void besideBusyProcessesThePolicyTakesOneThreadPerFreeCpuAndAPassiveWaitWhateverTheSuiteInherited() {
        Map<String, String> env = new HashMap<>(Map.of("OMP_NUM_THREADS", "4", "OMP_WAIT_POLICY", "ACTIVE", "OTHER", "kept"));

        String note = SuiteRunner.launcherPolicy(env, 4, 2);

        assertThat(env).containsEntry("OMP_NUM_THREADS", "2").containsEntry("OMP_WAIT_POLICY", "PASSIVE").containsEntry("OTHER", "kept");
        assertThat(note).isEqualTo("the launcher's policy (2 other processes running): OMP_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE");
    }

    @Test
    void onAQuietMachineThePolicyLeavesPytorchsDefaults() {
        Map<String, String> env = new HashMap<>(Map.of("OMP_NUM_THREADS", "1", "OMP_WAIT_POLICY", "PASSIVE"));

        String note = SuiteRunner.launcherPolicy(env, 2, 0);

        assertThat(env).doesNotContainKeys("OMP_NUM_THREADS", "OMP_WAIT_POLICY");
        assertThat(note).isEqualTo("the launcher's policy (0 other processes running): PyTorch's defaults");
    }
}
