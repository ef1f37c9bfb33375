package dev.defensebench.app.timing;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.defensebench.kernels.CpuInfo;
import dev.defensebench.report.Machine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Describes the machine timings run on: CPU model, family and vector extensions (from /proc/cpuinfo), cores, GPU, OS, JDK and DJL. */
public final class MachineInfo {

    private MachineInfo() {
    }

    /** The machine as seen from this JVM, timing on {@code device}. */
    public static Machine describe(Device device) {
        Engine engine = Engine.getInstance();
        int gpus = engine.getGpuCount();
        String gpu = gpus == 0 ? "none" : gpuNames(gpus);
        return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory(), gpu,
                device.toString(),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                        + System.getProperty("java.version"),
                Engine.getDjlVersion() + " (" + engine.getEngineName() + " " + engine.getVersion() + ")");
    }

    /** The CPU with its family, model and vector extensions ({@link CpuInfo#describe}). */
    public static String cpuModel() {
        return CpuInfo.current().describe();
    }

    private static String gpuNames(int count) {
        try {
            Process p = new ProcessBuilder("nvidia-smi", "--query-gpu=name", "--format=csv,noheader")
                    .redirectErrorStream(true).start();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                String names = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim()
                        .replace('\n', ',');
                if (!names.isEmpty()) {
                    return names;
                }
            } else {
                p.destroyForcibly();
            }
        } catch (IOException e) {
            // nvidia-smi missing
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return count + " CUDA GPU(s)";
    }
}
