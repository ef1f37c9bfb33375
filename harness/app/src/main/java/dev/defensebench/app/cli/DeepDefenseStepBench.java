package dev.defensebench.app.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import dev.defensebench.attacks.DeepFool;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.defenses.DeepDefense;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.train.LossTerms;
import dev.defensebench.train.SgdOptimizer;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * {@code bench --mode step}: the Deep Defense training step on a pre-trained network, split into the forward
 * unroll (cross-entropy and DeepFool with its graph), the gradient (double backward to the weights) and the
 * SGD update, with the resident set size after step 50 and after the last step.
 *
 * @param batch images per step (for the report; the batches come from the caller)
 * @param maxIter DeepFool iterations unrolled
 * @param steps timed steps
 * @param warmup untimed steps first
 * @param traceDir when not null, {@link #TRACED_STEPS} more steps after the timed ones run under libtorch's
 *     profiler, whose chrome trace goes to {@code traceDir/ARCH-step-trace.json}
 */
record DeepDefenseStepBench(int batch, int maxIter, int steps, int warmup, Path traceDir) {

    /** Steps run under the profiler with a trace directory. */
    static final int TRACED_STEPS = 10;

    /** A network under benchmark: its architecture's name, the model, its optimiser and its training batches. */
    record Subject(String architecture, BlockClassifier model, SgdOptimizer optimizer, Supplier<NDList> nextBatch) {}

    /** Nanoseconds per part over the timed steps, the summed batch ρ, and the memory samples. */
    private static final class Totals {
        long forward;
        long backward;
        long update;
        long cpu;
        double rho;
        ResidentMemory.Sample at50;
        long heapAt50 = -1;
        final long rssStart = ResidentMemory.sample().rssKb();

        long all() {
            return forward + backward + update;
        }
    }

    /** Runs the steps, printing progress to {@code progress}, then the report to {@code out}. */
    void run(Subject subject, String preprocessing, Device device, PrintWriter out, PrintWriter progress) {
        DeepDefense.Settings settings = new DeepDefense.Settings(15, 25, 5,
                new DeepFool.Settings(maxIter, 0.02, true, DeepFool.Route.CHOSEN_DIFFERENCE));
        Totals totals = new Totals();
        for (int s = 0; s < warmup + steps; s++) {
            step(subject, settings, s >= warmup ? totals : null);
            int timed = s - warmup + 1;
            if (timed > 0 && (timed % 50 == 0 || timed < 50 && timed % 10 == 0)) {
                progress.printf(Locale.ROOT, "  %d steps: %.1f ms/step so far%n", timed, totals.all() / 1e6 / timed);
                progress.flush();
            }
            if (timed == 50) {
                System.gc();
                totals.at50 = ResidentMemory.sample();
                totals.heapAt50 = heapCommittedKb();
            }
        }
        report(subject, preprocessing, device, totals, out);
        if (traceDir != null) {
            trace(subject, settings, out);
        }
    }

    /** Runs {@link #TRACED_STEPS} steps under libtorch's profiler (operator shapes recorded) and writes the trace. */
    private void trace(Subject subject, DeepDefense.Settings settings, PrintWriter out) {
        Path file = traceDir.resolve(subject.architecture() + "-step-trace.json");
        try {
            Files.createDirectories(traceDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the trace directory " + traceDir, e);
        }
        JniUtils.startProfile(false, true, false);
        long t0 = System.nanoTime();
        try {
            for (int s = 0; s < TRACED_STEPS; s++) {
                step(subject, settings, null);
            }
        } finally {
            JniUtils.stopProfile(file.toString());
        }
        out.printf(Locale.ROOT, "  profiled %d more steps (%.2f ms/step under the profiler): %s%n", TRACED_STEPS,
                (System.nanoTime() - t0) / 1e6 / TRACED_STEPS, file);
        out.flush();
    }

    /** One training step; its parts' times go to {@code totals} (null: a warm-up step). */
    private static void step(Subject subject, DeepDefense.Settings settings, Totals totals) {
        long[] timing = new long[3];
        try (NDScope scope = new NDScope()) {
            NDList b = subject.nextBatch().get();
            long cpu0 = processCpuNanos();
            long t0 = System.nanoTime();
            NDList g = Autograd.recording(() -> {
                LossTerms terms = DeepDefense.loss(settings).compute(subject.model(), b.get(0), b.get(1));
                terms.total().getFloat(); // materialise the forward before timing the backward
                long t1 = System.nanoTime();
                NDList grads = subject.optimizer().gradients(terms.total());
                grads.get(0).sum().getFloat();
                timing[0] = t1 - t0;
                timing[1] = System.nanoTime() - t1;
                timing[2] = Double.doubleToLongBits(terms.terms().get("rho").getFloat());
                return grads;
            });
            long t3 = System.nanoTime();
            subject.optimizer().update(g, 5e-4f);
            g.get(0).sum().getFloat();
            if (totals != null) {
                totals.forward += timing[0];
                totals.backward += timing[1];
                totals.update += System.nanoTime() - t3;
                totals.cpu += processCpuNanos() - cpu0;
                totals.rho += Double.longBitsToDouble(timing[2]);
            }
        }
    }

    private void report(Subject subject, String preprocessing, Device device, Totals t, PrintWriter out) {
        System.gc();
        ResidentMemory.Sample end = ResidentMemory.sample();
        long heapEnd = heapCommittedKb();
        out.printf(Locale.ROOT, "Deep Defense step benchmark: %s, batch %d, %d DeepFool iterations, %s preprocessing, "
                + "device %s, %d threads (torch intra-op), %d timed steps after %d warm-up%n", subject.architecture(),
                batch, maxIter, preprocessing, device, ai.djl.pytorch.jni.JniUtils.getNumThreads(), steps, warmup);
        out.printf(Locale.ROOT, "  step time        %8.2f ms (process CPU time %.2f ms, which other processes disturb less)%n",
                t.all() / 1e6 / steps, t.cpu / 1e6 / steps);
        part(out, "forward unroll", t.forward, t, "CE + DeepFool with graph");
        part(out, "gradient      ", t.backward, t, "double backward to the weights");
        part(out, "update        ", t.update, t, "SGD momentum");
        out.printf(Locale.ROOT, "  mean batch ||dx||/||x||  %.4f%n", t.rho / steps);
        long rssAt50 = t.at50 == null ? -1 : t.at50.rssKb();
        out.printf(Locale.ROOT, "  RSS before %d MB, after step 50 %d MB, after step %d %d MB, growth 50->%d: %s%n",
                t.rssStart / 1024, rssAt50 / 1024, steps, end.rssKb() / 1024, steps, growth(t.at50, end));
        out.printf(Locale.ROOT, "  JVM heap committed after step 50 %d MB, after step %d %d MB%n",
                t.heapAt50 / 1024, steps, heapEnd / 1024);
        out.flush();
    }

    private void part(PrintWriter out, String name, long nanos, Totals t, String what) {
        out.printf(Locale.ROOT, "    %s %8.2f ms (%4.1f%%)  %s%n", name, nanos / 1e6 / steps, 100.0 * nanos / t.all(), what);
    }

    /** CPU time of the whole process (all its threads, libtorch's included), or 0 where the JVM cannot tell. */
    private static long processCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? Math.max(0, sun.getProcessCpuTime()) : 0;
    }

    private static long heapCommittedKb() {
        return java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() / 1024;
    }

    /**
     * The RSS growth between two samples, split into the Java heap's newly resident pages (bounded by
     * its committed size, not a leak) and the rest (native memory).
     */
    private static String growth(ResidentMemory.Sample from, ResidentMemory.Sample to) {
        if (from == null || from.rssKb() < 0 || to.rssKb() < 0) {
            return "unknown";
        }
        String total = (to.rssKb() - from.rssKb()) / 1024 + " MB";
        if (from.otherKb() < 0 || to.otherKb() < 0) {
            return total;
        }
        return String.format(Locale.ROOT, "%s (Java heap pages %+d MB, native and other %+d MB)", total,
                (to.heapResidentKb() - from.heapResidentKb()) / 1024, (to.otherKb() - from.otherKb()) / 1024);
    }
}
