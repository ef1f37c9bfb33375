package dev.defensebench.app.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.certifiers.CrownIbp;
import dev.defensebench.certifiers.IntervalBoundPropagation;
import dev.defensebench.certifiers.RandomizedSmoothing;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.onnx.OnnxExporter;
import dev.defensebench.onnx.interp.OnnxGraphBlock;
import dev.defensebench.spi.Certification;
import dev.defensebench.spi.Certifier;
import dev.defensebench.spi.Hyperparameters;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The certification half of {@code defense-bench bench --mode certify}: the throughput of the certifiers on a
 * pre-trained network. Randomized smoothing in noise draws per second (N0 + N noisy copies of each point, computed on
 * the device from the point's counter-based stream and classified in forwards of {@code batch} copies), with the
 * share of its time the batched forwards alone take; interval bound propagation in images per second, through the
 * network's DJL blocks (also with {@code bound: crown-ibp} where CROWN-IBP applies) and through its ONNX export run
 * by the graph interpreter (the path of an imported model), whose verified counts must agree with the blocks'. Each row's time is measured over at least {@code --min-seconds} (one run at
 * least, after an untimed warm-up for IBP); wall time and the process's CPU time are both printed.
 */
final class CertifyBench {

    /** The certify mode's options, mixed into {@code bench}. */
    static final class Options {

        @Option(names = "--certify-points", defaultValue = "100", description = "certify mode: test points certified "
                + "(default: ${DEFAULT-VALUE})")
        int points = 100;

        @Option(names = "--smoothing-n", defaultValue = "1000", description = "certify mode: smoothing's estimation draws N "
                + "per point, after N0 = 100 selection draws (default: ${DEFAULT-VALUE})")
        int n = 1000;

        @Option(names = "--smoothing-sigma", defaultValue = "0.25", description = "certify mode: smoothing's sigma "
                + "(default: ${DEFAULT-VALUE})")
        double sigma = 0.25;

        @Option(names = "--smoothing-batch", defaultValue = "1000", description = "certify mode: noisy copies per forward "
                + "(default: ${DEFAULT-VALUE})")
        int smoothingBatch = 1000;

        @Option(names = "--ibp-batch", defaultValue = "256", description = "certify mode: images per IBP bound computation "
                + "(default: ${DEFAULT-VALUE})")
        int ibpBatch = 256;

        /** Fails, before any work, on a value out of its range. */
        void check(CommandLine commandLine) {
            for (var count : Map.of("--certify-points", points, "--smoothing-n", n, "--smoothing-batch", smoothingBatch,
                    "--ibp-batch", ibpBatch).entrySet()) {
                if (count.getValue() < 1) {
                    throw new CommandLine.ParameterException(commandLine, count.getKey() + " must be at least 1, found "
                            + count.getValue());
                }
            }
            if (!(sigma > 0) || Double.isInfinite(sigma)) {
                throw new CommandLine.ParameterException(commandLine, "--smoothing-sigma must be a finite number > 0, found "
                        + sigma);
            }
        }
    }

    private static final int N0 = 100;

    private final Options options;
    private final double minSeconds;

    CertifyBench(Options options, double minSeconds) {
        this.options = options;
        this.minSeconds = minSeconds;
    }

    /** The header of the table {@link #table} prints rows of. */
    static String header() {
        return "| arch | certifier | setting | throughput | s/run (wall) | CPU s/run | certified |\n"
                + "|---|---|---|---|---|---|---|";
    }

    /** Times smoothing and IBP (DJL blocks, then the ONNX graph) on the points {@code x}, labels {@code y}. */
    void table(PrintWriter out, String arch, BlockClassifier model, NDArray x, NDArray y, double linfEps) {
        long[] labels = y.toType(DataType.INT64, false).toLongArray();
        double cpu = smoothing(out, arch, model, x, y, labels);
        out.printf(Locale.ROOT, "  the batched forwards alone (copies of the points, no noise): %.1f%% of smoothing's CPU time "
                + "(the rest: computing the noise on the device, counting)%n",
                100 * forwardCpuSeconds(model, x, settings()) / cpu);
        int djl = ibpRow(out, arch, "ibp (DJL blocks)", model, x, y, labels, linfEps, IntervalBoundPropagation.IBP);
        String whyNotCrown = CrownIbp.whyNot(model.block());
        if (whyNotCrown == null) {
            ibpRow(out, arch, "ibp bound crown-ibp (DJL blocks)", model, x, y, labels, linfEps, IntervalBoundPropagation.CROWN_IBP);
        } else {
            out.printf(Locale.ROOT, "  ibp bound crown-ibp: %s%n", whyNotCrown);
        }
        try (NDManager onnx = x.getManager().newSubManager()) {
            OnnxGraphBlock graph = OnnxGraphBlock.build(OnnxExporter.export(model.block(), model.sampleShape(),
                    model.numClasses(), "bench", Map.of()), onnx, DataType.FLOAT32);
            BlockClassifier imported = new BlockClassifier(graph, model.numClasses(), model.box());
            int viaOnnx = ibpRow(out, arch, "ibp (ONNX graph)", imported, x, y, labels, linfEps, IntervalBoundPropagation.IBP);
            if (viaOnnx != djl) {
                out.printf(Locale.ROOT, "  WARNING: IBP verified %d points through the DJL blocks but %d through the ONNX "
                        + "graph of the same weights%n", djl, viaOnnx);
            }
        }
        out.flush();
    }

    private RandomizedSmoothing.Settings settings() {
        return new RandomizedSmoothing.Settings(options.sigma, N0, options.n, 0.001, options.smoothingBatch);
    }

    /** Prints smoothing's row; returns its CPU seconds per run. */
    private double smoothing(PrintWriter out, String arch, BlockClassifier model, NDArray x, NDArray y, long[] labels) {
        Certifier smoothing = new RandomizedSmoothing();
        Hyperparameters p = Hyperparameters.resolve("certifier 'randomized-smoothing'", smoothing.parameters(),
                Map.of("sigma", options.sigma, "n0", N0, "n", options.n, "batch", options.smoothingBatch));
        BenchRuns<Certification> t = timed(() -> smoothing.certify(model, x, y, List.of(0.0), p, 0));
        long draws = (long) labels.length * (N0 + options.n);
        out.printf(Locale.ROOT, "| %s | randomized-smoothing | sigma %s, N0 %d, N %d, batch %d, %d points | %.0f draws/s "
                + "| %.3f | %.3f | %d (abstained %d) |%n", arch, options.sigma, N0, options.n, options.smoothingBatch,
                labels.length, draws / t.seconds(), t.seconds(), t.cpuSeconds(), t.last().countCertified(labels, 0),
                t.last().abstentions());
        return t.cpuSeconds();
    }

    private int ibpRow(PrintWriter out, String arch, String what, BlockClassifier model, NDArray x, NDArray y,
            long[] labels, double eps, String bound) {
        Certifier ibp = new IntervalBoundPropagation();
        Hyperparameters p = Hyperparameters.resolve("certifier 'ibp'", ibp.parameters(), Map.of("batch", options.ibpBatch,
                "bound", bound));
        timed(() -> ibp.certify(model, x, y, List.of(eps), p, 0)); // warm-up
        BenchRuns<Certification> t = timed(() -> ibp.certify(model, x, y, List.of(eps), p, 0));
        int verified = t.last().countCertified(labels, eps);
        out.printf(Locale.ROOT, "| %s | %s | Linf eps %s, batch %d, %d points | %.1f images/s | %.3f | %.3f | %d |%n",
                arch, what, eps, options.ibpBatch, labels.length, labels.length / t.seconds(), t.seconds(), t.cpuSeconds(),
                verified);
        return verified;
    }

    /** Runs {@code run}, each run in its own scope, until at least {@code minSeconds} have passed (once at least). */
    private BenchRuns<Certification> timed(java.util.function.Supplier<Certification> run) {
        return BenchRuns.until(minSeconds, k -> {
            try (NDScope scope = new NDScope()) {
                Certification c = run.get();
                scope.suppressNotUsedWarning();
                return c;
            }
        });
    }

    /**
     * The process CPU seconds the batched forwards alone take for smoothing's draws on {@code x}: N0 + N copies of each
     * point (the point itself, no noise) in forwards of {@code batch}.
     */
    private static double forwardCpuSeconds(BlockClassifier model, NDArray x, RandomizedSmoothing.Settings s) {
        long c0 = BenchRuns.cpuNanos();
        for (long i = 0; i < x.getShape().get(0); i++) {
            NDArray point = x.get(i).expandDims(0);
            for (int left = s.n0() + s.n(); left > 0; left -= s.batch()) {
                int b = Math.min(s.batch(), left);
                try (NDScope scope = new NDScope()) {
                    Autograd.notRecording(() -> model.predict(point.repeat(0, b))).toLongArray();
                    scope.suppressNotUsedWarning();
                }
            }
        }
        return (BenchRuns.cpuNanos() - c0) / 1e9;
    }
}
