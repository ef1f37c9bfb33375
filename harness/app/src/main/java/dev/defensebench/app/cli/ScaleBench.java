package dev.defensebench.app.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.app.run.Devices;
import dev.defensebench.attacks.AutoAttack;
import dev.defensebench.attacks.DeepFool;
import dev.defensebench.attacks.Pgd;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.defenses.DeepDefense;
import dev.defensebench.defenses.PgdAdversarial;
import dev.defensebench.defenses.Trades;
import dev.defensebench.model.Architecture;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.model.ForwardMode;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.StageOutcome;
import dev.defensebench.spi.ThreatModel;
import dev.defensebench.train.BatchLoss;
import dev.defensebench.train.LossTerms;
import dev.defensebench.train.Losses;
import dev.defensebench.train.SgdOptimizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * {@code bench --mode scale}: real-scale rows for CIFAR-sized networks on synthetic seeded 3×32×32
 * batches (no data set needed): the training steps of plain SGD, PGD-AT, TRADES and Deep Defense (the
 * defenses' own losses), the PGD-10 attack and AutoAttack, each with its seconds, images/s, FLOPs (counted
 * by {@link ScaleRow}'s rule from {@link NetworkFlops}) and fraction of the measured {@link PeakFlops}.
 * One untimed plain step warms up each network; each row then runs until {@code --scale-seconds} (once at
 * least) through {@link BenchRuns}. The weights are written before the first step with {@code --save-onnx},
 * with the synthetic batch, for {@code docs/bench/reference_speed.py scale} to time the same rows on the same points.
 *
 * @param options the mode's options
 * @param batch images per training step and per PGD batch
 * @param progress where a line says which row is being timed (standard error: the tables stay whole)
 */
record ScaleBench(Options options, int batch, PrintWriter progress) {

    /** The batch of the CIFAR recipes, used when {@code --batch} is not given. */
    static final int DEFAULT_BATCH = 128;
    /** ε of the attacks (ℓ∞, pixels in [0, 1]). */
    static final double EPS = 8.0 / 255;

    /** The scale mode's options (a picocli mixin of {@code bench}). */
    static final class Options {

        @picocli.CommandLine.Option(names = "--scale-seconds", defaultValue = "0", description = "scale mode: least "
                + "measured seconds per row, each row timed once at least (default: ${DEFAULT-VALUE})")
        double seconds;

        @picocli.CommandLine.Option(names = "--scale-rows", split = ",", description = "scale mode: the rows, of "
                + "plain, pgd-at, trades, deep-defense, pgd, autoattack (default: all)")
        List<String> rows;

        @picocli.CommandLine.Option(names = "--autoattack-images", defaultValue = "8", description = "scale mode: "
                + "images AutoAttack runs on, in one batch (default: ${DEFAULT-VALUE})")
        int autoAttackImages;

        @picocli.CommandLine.Option(names = "--peak-size", defaultValue = "4096", description = "scale mode: n of the "
                + "n x n float32 products that measure the peak FLOP/s, best of 3 (default: ${DEFAULT-VALUE})")
        int peakSize;

        /** The rows to time, in the table's order; fails on an unknown name or a number out of range. */
        List<ScaleRow> check(picocli.CommandLine cl) {
            if (!(seconds >= 0) || Double.isInfinite(seconds)) {
                throw new picocli.CommandLine.ParameterException(cl, "--scale-seconds must be a finite number >= 0, found " + seconds);
            }
            if (autoAttackImages < 1 || peakSize < 1) {
                throw new picocli.CommandLine.ParameterException(cl, "--autoattack-images and --peak-size must be at "
                        + "least 1, found " + autoAttackImages + " and " + peakSize);
            }
            if (rows == null) {
                return List.of(ScaleRow.values());
            }
            List<ScaleRow> chosen = new java.util.ArrayList<>();
            for (String name : rows) {
                chosen.add(java.util.Arrays.stream(ScaleRow.values()).filter(r -> r.option().equals(name)).findFirst()
                        .orElseThrow(() -> new picocli.CommandLine.ParameterException(cl, "--scale-rows: unknown row '"
                                + name + "'; known: " + java.util.Arrays.stream(ScaleRow.values()).map(ScaleRow::option).toList())));
            }
            return chosen.stream().distinct().sorted().toList();
        }
    }

    /** Writes a network under benchmark and its synthetic batch (BenchCommand's {@code --save-onnx}). */
    interface Saver {
        void save(BlockClassifier model, String name) throws IOException;

        void saveBatch(String name, NDArray x, NDArray y) throws IOException;
    }

    /** A network under benchmark with its optimiser and its synthetic batch. */
    private record Subject(BlockClassifier model, SgdOptimizer optimizer, NDArray x, NDArray y) {}

    /**
     * {@code bench --mode scale}: checks the options, then prints the tables of {@code architectures} (default
     * resnet18 and wrn-16-4) at {@code batch} when {@code --batch} was given, else {@link #DEFAULT_BATCH}.
     */
    static int command(picocli.CommandLine cl, Options options, int batch, List<String> architectures, String device,
            PrintWriter out, Saver saver) throws IOException {
        List<ScaleRow> rows = options.check(cl);
        int scaleBatch = cl.getParseResult().hasMatchedOption("--batch") ? batch : DEFAULT_BATCH;
        Device resolved = Devices.resolve(device);
        EnvironmentException.requireSoundNumerics(resolved);
        new ScaleBench(options, scaleBatch, cl.getErr()).run(architectures != null ? architectures : List.of("resnet18", "wrn-16-4"),
                rows, resolved, out, saver);
        return 0;
    }

    /** Measures the peak, then prints each architecture's table. */
    void run(List<String> architectures, List<ScaleRow> rows, Device device, PrintWriter out, Saver saver)
            throws IOException {
        PeakFlops peak = PeakFlops.measure(options.peakSize, 3, device);
        out.printf(Locale.ROOT, "Peak float32: %.1f GFLOP/s (%dx%d matrix product through DJL/libtorch, best of 3: %.3f s), "
                + "%d threads (torch intra-op), load average %s%n", peak.flopsPerSecond() / 1e9, peak.size(), peak.size(),
                peak.bestSeconds(), ai.djl.pytorch.jni.JniUtils.getNumThreads(), loadAverage());
        for (ScaleRow row : rows) {
            double passes = row.forwardPasses(TrainingThroughput.CLASSES);
            out.printf(Locale.ROOT, "  %s: %s; FLOPs %s%n", row.label(), row.detail(), Double.isNaN(passes) ? "not counted"
                    : String.format(Locale.ROOT, "%.0f forward passes of the batch (backward = 2 forward)", passes));
        }
        out.flush();
        for (String name : architectures) {
            table(Plugins.discover().architecture(name), rows, device, peak, out, saver);
        }
    }

    private void table(Architecture architecture, List<ScaleRow> rows, Device device, PeakFlops peak, PrintWriter out,
            Saver saver) throws IOException {
        Engine.getInstance().setRandomSeed(0);
        try (NDManager manager = NDManager.newBaseManager(device)) {
            Block block = architecture.build(TrainingThroughput.SAMPLE, TrainingThroughput.CLASSES);
            block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(TrainingThroughput.SAMPLE));
            BlockClassifier model = new BlockClassifier(block, TrainingThroughput.CLASSES,
                    InputBox.uniform(0, 1, TrainingThroughput.SAMPLE)).inMode(ForwardMode.TRAINING);
            saver.save(model, architecture.name());
            long macs = NetworkFlops.multiplyAdds(block, TrainingThroughput.SAMPLE);
            Subject s = new Subject(model, new SgdOptimizer(block, manager, 0.9, 5e-4),
                    manager.randomUniform(0, 1, new Shape(batch).addAll(TrainingThroughput.SAMPLE)),
                    manager.randomInteger(0, TrainingThroughput.CLASSES, new Shape(batch), DataType.INT64));
            saver.saveBatch(architecture.name(), s.x(), s.y());
            out.printf(Locale.ROOT, "%n%s: %.4g G multiply-adds per 3x32x32 image (convolutions and linears), batch %d, "
                    + "synthetic seeded inputs, %d classes, device %s, load average %s%n", architecture.name(), macs / 1e9,
                    batch, TrainingThroughput.CLASSES, device, loadAverage());
            out.println(header());
            trainingStep(s, plain()); // warm-up, untimed
            Random random = new Random(0);
            for (ScaleRow row : rows) {
                time(out, architecture.name(), row, s, random, macs, peak);
            }
        }
    }

    /** The header of the table {@link #run} prints. */
    static String header() {
        return "| arch | row | images | s/step (wall) | CPU s/step | images/s | GFLOP/step | GFLOP/s | % of peak |\n"
                + "|---|---|---|---|---|---|---|---|---|";
    }

    private void time(PrintWriter out, String arch, ScaleRow row, Subject s, Random random, long macs, PeakFlops peak) {
        int images = row == ScaleRow.AUTOATTACK ? Math.min(options.autoAttackImages, batch) : batch;
        progress.printf(Locale.ROOT, "scale: %s, %s on %d images%s%n", arch, row.label(), images, row == ScaleRow.AUTOATTACK
                ? " (its four stages one after the other; minutes at real scale when points stay robust)" : "");
        progress.flush();
        BenchRuns<Outcome> runs = BenchRuns.until(options.seconds, k -> once(row, s, random, images));
        double flops = row.flops(macs, images, TrainingThroughput.CLASSES);
        double rate = flops / runs.seconds();
        out.printf(Locale.ROOT, "| %s | %s | %d | %.3f | %.3f | %.2f | %s | %s | %s |%n", arch, row.label(), images,
                runs.seconds(), runs.cpuSeconds(), images / runs.seconds(), number(flops / 1e9, "%.4g"),
                number(rate / 1e9, "%.4g"), number(100 * rate / peak.flopsPerSecond(), "%.1f"));
        if (!runs.last().terms().isEmpty()) {
            out.printf(Locale.ROOT, "  %s, last step's loss terms:%s%n", row.label(), runs.last().terms().entrySet().stream()
                    .map(e -> String.format(Locale.ROOT, " %s %.6g", e.getKey(), e.getValue())).collect(Collectors.joining(",")));
        }
        AttackResult attack = runs.last().attack();
        if (attack != null) {
            out.printf(Locale.ROOT, "  %s: robust accuracy %.3f of %d images, each stage:%n", row.label(),
                    attack.outcomes().get(0).robustAccuracy(), images);
            for (StageOutcome stage : attack.stages()) {
                out.printf(Locale.ROOT, "  after %-8s %d/%d robust, %.2f s%n", stage.stage(), stage.robust(),
                        stage.samples(), stage.seconds());
            }
        }
        out.flush();
    }

    /**
     * What one run of a row left to print: the Deep Defense step's loss terms (so that the reference's step can be
     * checked to do the same work on the same weights and points; empty for the other rows) and AutoAttack's result
     * (null for the other rows).
     */
    private record Outcome(Map<String, Double> terms, AttackResult attack) {}

    /** One run of {@code row}. */
    private Outcome once(ScaleRow row, Subject s, Random random, int images) {
        switch (row) {
            case PLAIN -> trainingStep(s, plain());
            case PGD_AT -> trainingStep(s, PgdAdversarial.loss(new PgdAdversarial.Settings(TrainingThroughput.CIFAR_PGD, 0), random));
            case TRADES -> trainingStep(s, Trades.loss(new Trades.Settings(TrainingThroughput.CIFAR_PGD, 6), random));
            case DEEP_DEFENSE -> {
                return new Outcome(trainingStep(s, DeepDefense.loss(new DeepDefense.Settings(15, 25, 5,
                        new DeepFool.Settings(ScaleRow.DEEPFOOL_ITERATIONS, 0.02, true, DeepFool.Route.CHOSEN_DIFFERENCE))),
                        true), null);
            }
            case PGD -> {
                try (NDScope scope = new NDScope()) {
                    Pgd.perturb(s.model().inMode(ForwardMode.INFERENCE), s.x(), Pgd.crossEntropy(s.y()), Norm.LINF, EPS,
                            TrainingThroughput.CIFAR_PGD.pgd(), random).sum().getFloat(); // wait for the device
                }
            }
            case AUTOATTACK -> {
                return new Outcome(Map.of(), autoAttack(s, images));
            }
        }
        return new Outcome(Map.of(), null);
    }

    /** AutoAttack (standard, its defaults) on the first {@code images} inputs, labelled with the network's predictions. */
    private static AttackResult autoAttack(Subject s, int images) {
        try (NDScope scope = new NDScope()) {
            BlockClassifier model = s.model().inMode(ForwardMode.INFERENCE);
            NDArray x = s.x().get("0:" + images);
            AutoAttack attack = new AutoAttack();
            AttackResult result = attack.run(model, x, model.predict(x), new ThreatModel(Norm.LINF, List.of(EPS)),
                    Hyperparameters.resolve("attack '" + attack.name() + "'", attack.parameters(), Map.of()), 0);
            scope.suppressNotUsedWarning();
            return result;
        }
    }

    private static BatchLoss plain() {
        return (net, xs, ys) -> {
            NDArray logits = net.logits(xs);
            return new LossTerms(Losses.crossEntropy(logits, ys), logits, Map.of());
        };
    }

    /** One SGD step on {@code loss} (learning rate 0.01), synchronised before it returns. */
    private static void trainingStep(Subject s, BatchLoss loss) {
        trainingStep(s, loss, false);
    }

    /**
     * One SGD step on {@code loss}, synchronised before it returns; with {@code readTerms}, the loss's total and named
     * terms (before the update), else an empty map.
     */
    private static Map<String, Double> trainingStep(Subject s, BatchLoss loss, boolean readTerms) {
        try (NDScope scope = new NDScope()) {
            LossTerms[] terms = new LossTerms[1];
            NDList grads = Autograd.recording(() -> {
                terms[0] = loss.compute(s.model(), s.x(), s.y());
                return s.optimizer().gradients(terms[0].total());
            });
            s.optimizer().update(grads, 0.01f);
            s.optimizer().weights().get(0).sum().getFloat(); // wait for the device
            if (!readTerms) {
                return Map.of();
            }
            Map<String, Double> values = new java.util.LinkedHashMap<>();
            values.put("total", (double) terms[0].total().getFloat());
            terms[0].terms().forEach((name, value) -> values.put(name, (double) value.toType(DataType.FLOAT32, false).getFloat()));
            return values;
        }
    }

    private static String number(double value, String format) {
        return Double.isNaN(value) ? "not counted" : String.format(Locale.ROOT, format, value);
    }

    private static String loadAverage() {
        return String.format(Locale.ROOT, "%.2f", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
    }
}
