package dev.defensebench.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import java.util.Map;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.Test;

/** Which device a Spark task trains on. */
class WorkerRunsTest {

    private static Map<String, ResourceInformation> gpus(String... addresses) {
        return Map.of("gpu", new ResourceInformation("gpu", addresses));
    }

    @Test
    void aTaskTrainsOnTheGpuSparkAssignedToIt() {
        assertThat(WorkerRuns.deviceFor("auto", gpus("3"))).isEqualTo(Device.gpu(3));
        assertThat(WorkerRuns.deviceFor("gpu", gpus("1", "2"))).isEqualTo(Device.gpu(1));
    }

    @Test
    void cpuWinsOverAnAssignedGpuAndNoGpuMeansTheSettingAsUsual() {
        assertThat(WorkerRuns.deviceFor("cpu", gpus("0"))).isEqualTo(Device.cpu());
        assertThat(WorkerRuns.deviceFor("cpu", Map.of())).isEqualTo(Device.cpu());
        assertThat(WorkerRuns.deviceFor("auto", Map.of("fpga", new ResourceInformation("fpga", new String[] {"0"}))))
                .isIn(Device.cpu(), Device.gpu()); // "auto" on this machine, as the plain engine resolves it
    }

    @Test
    void aGpuAddressThatIsNoDeviceNumberIsAClearError() {
        assertThatThrownBy(() -> WorkerRuns.deviceFor("auto", gpus("GPU-5f3e")))
                .hasMessageContaining("'GPU-5f3e'").hasMessageContaining("discovery script");
    }
}
