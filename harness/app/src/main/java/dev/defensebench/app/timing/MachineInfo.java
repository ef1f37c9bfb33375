package dev.defensebench.app.timing;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.defensebench.report.Machine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Describes the machine timings run on: CPU model (from /proc/cpuinfo), cores, GPU, OS, JDK and DJL. */
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

    /** The "model name" line of /proc/cpuinfo, else the JVM's os.arch. */
    public static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        try {
            if (Files.isReadable(cpuinfo)) {
                for (String line : Files.readAllLines(cpuinfo, StandardCharsets.UTF_8)) {
                    if (line.startsWith("model name")) {
                        return line.substring(line.indexOf(':') + 1).trim();
                    }
                }
            }
        } catch (IOException e) {
            // fall through to the architecture
        }
        return "unknown CPU (" + System.getProperty("os.arch") + ")";
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
