package dev.defensebench.app.cli;

import java.util.function.IntFunction;

/**
 * A benchmark body run until at least a given wall time is measured (once at least): the last run's result
 * and the mean wall and process-CPU seconds per run. On a shared machine the CPU time is the steadier.
 *
 * @param last the last run's result
 * @param runs how many runs were timed
 * @param seconds mean wall seconds per run
 * @param cpuSeconds mean process CPU seconds per run
 */
record BenchRuns<T>(T last, int runs, double seconds, double cpuSeconds) {

    /** Runs {@code run} (given the run's number, from 1) until {@code minSeconds} of wall time have passed. */
    static <T> BenchRuns<T> until(double minSeconds, IntFunction<T> run) {
        long elapsed = 0;
        long cpu = 0;
        int runs = 0;
        T last = null;
        while (runs == 0 || elapsed / 1e9 < minSeconds) {
            long t0 = System.nanoTime();
            long c0 = cpuNanos();
            last = run.apply(runs + 1);
            elapsed += System.nanoTime() - t0;
            cpu += cpuNanos() - c0;
            runs++;
        }
        return new BenchRuns<>(last, runs, elapsed / 1e9 / runs, cpu / 1e9 / runs);
    }

    /** CPU time of the whole process so far (every thread: torch's intra-op threads, JIT, GC), in nanoseconds. */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
