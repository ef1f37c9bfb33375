package dev.defensebench.report;

import java.util.Objects;

/**
 * The machine a timing was measured on, shown next to every timing number.
 *
 * @param cpu         the CPU model name, e.g. "AMD EPYC 7B13"
 * @param cores       logical processors available to the JVM
 * @param memoryBytes the JVM's maximum heap
 * @param gpu         the GPU(s) used, or "none"
 * @param device      the DJL device the timing ran on, e.g. "cpu()"
 * @param os          operating system name, version and architecture
 * @param jdk         the JVM vendor, name and version
 * @param djl         DJL version and engine
 */
public record Machine(String cpu, int cores, long memoryBytes, String gpu, String device, String os, String jdk,
        String djl) {

    /** Rejects null texts. */
    public Machine {
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(gpu, "gpu");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(os, "os");
        Objects.requireNonNull(jdk, "jdk");
        Objects.requireNonNull(djl, "djl");
    }

    /** What must match for two timings to be comparable: CPU, cores, GPU and device. */
    public String hardwareKey() {
        return cpu + "|" + cores + "|" + gpu + "|" + device;
    }

    /** One line for people. */
    public String describe() {
        return cpu + " · " + cores + " cores · GPU: " + gpu + " · device " + device + " · " + jdk + " · DJL " + djl
                + " · " + os;
    }
}
