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
import dev.defensebench.attacks.DeepFool;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.data.DatasetRegistry;
import dev.defensebench.data.ImageSplit;
import dev.defensebench.data.LoadedDataset;
import dev.defensebench.data.Preprocessing;
import dev.defensebench.data.Preprocessor;
import dev.defensebench.defenses.DeepDefense;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.spi.InputBox;
import dev.defensebench.train.LossTerms;
import dev.defensebench.train.Losses;
import dev.defensebench.train.SgdOptimizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code defense-bench bench}: the Deep Defense training-step benchmark. Pre-trains the
 * network briefly with plain SGD (so DeepFool meets a real classifier), then times Deep Defense steps
 * and splits each into the forward unroll, the gradient (double backward) and the update, and reads
 * the resident set size after step 50 and after the last step. With {@code --throughput} (the default for
 * architectures with BatchNorm, such as resnet18) it prints the images/s of plain and PGD-AT training steps
 * of the architecture instead ({@link TrainingThroughput}).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = OnnxBenchCommand.class,
        description = "Benchmark the Deep Defense training step (time split and resident memory).")
final class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--arch", defaultValue = "mlp", description = "architecture (default: ${DEFAULT-VALUE})")
    String architecture;

    @Option(names = "--steps", defaultValue = "1000", description = "Deep Defense steps to time (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "20", description = "untimed steps first (default: ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--pretrain-steps", defaultValue = "300", description = "plain SGD steps before (default: ${DEFAULT-VALUE})")
    int pretrainSteps;

    @Option(names = "--batch", defaultValue = "100", description = "batch size (default: ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--max-iter", defaultValue = "5", description = "DeepFool steps unrolled (default: ${DEFAULT-VALUE})")
    int maxIter;

    @Option(names = "--preprocessing", defaultValue = "paper", description = "unit or paper (default: ${DEFAULT-VALUE})")
    String preprocessing;

    @Option(names = "--device", defaultValue = "cpu", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "data directory (see 'run')")
    Path dataDir;

    @Option(names = "--throughput", negatable = true, description = "instead: images/s of plain and PGD-AT training "
            + "steps of --arch on synthetic 3x32x32 batches of --batch images (CIFAR-sized; no data set needed); "
            + "default: on for architectures with BatchNorm (resnet18, preact-resnet18, wrn-*, nin), else off")
    Boolean throughput;

    @Option(names = "--throughput-steps", defaultValue = "5",
            description = "timed steps of each kind with --throughput (default: ${DEFAULT-VALUE})")
    int throughputSteps;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (throughput != null ? throughput : hasBatchNorm(Plugins.discover().architecture(architecture))) {
            return throughput(out);
        }
        LoadedDataset data = DatasetRegistry.standard().load("mnist", DatasetRegistry.defaultDataDir(dataDir));
        Preprocessor pre = Preprocessing.parse(preprocessing).fit(data.train());
        ImageSplit split = data.train();
        Shape sample = new Shape(split.channels(), split.height(), split.width());
        float[] inputs = pre.apply(split);
        InputBox box = new InputBox(pre.lowerBound(), pre.upperBound(), sample);
        Device dev = Devices.resolve(device);
        EnvironmentException.requireSoundNumerics(dev);
        Engine.getInstance().setRandomSeed(0);
        try (NDManager manager = NDManager.newBaseManager(dev)) {
            Block block = Plugins.discover().architecture(architecture).build(sample, data.numClasses());
            block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(sample));
            BlockClassifier model = new BlockClassifier(block, data.numClasses(), box);
            float lrPre = "paper".equals(preprocessing) ? 1e-4f : 0.05f;
            SgdOptimizer optimizer = new SgdOptimizer(block, manager, 0.9, 5e-4);
            int per = (int) sample.size();
            int[] cursor = {0};
            java.util.function.Supplier<NDList> nextBatch = () -> {
                float[] xs = new float[batch * per];
                long[] ys = new long[batch];
                for (int i = 0; i < batch; i++) {
                    int idx = (cursor[0]++) % split.count();
                    System.arraycopy(inputs, idx * per, xs, i * per, per);
                    ys[i] = split.labels()[idx];
                }
                return new NDList(manager.create(xs, new Shape(batch).addAll(sample)), manager.create(ys));
            };
            for (int s = 0; s < pretrainSteps; s++) {
                try (NDScope scope = new NDScope()) {
                    NDList b = nextBatch.get();
                    NDList g = Autograd.recording(() -> optimizer.gradients(
                            Losses.crossEntropy(model.logits(b.get(0)), b.get(1))));
                    optimizer.update(g, lrPre);
                }
            }
            DeepDefense.Settings settings = new DeepDefense.Settings(15, 25, 5,
                    new DeepFool.Settings(maxIter, 0.02, true, DeepFool.Route.CHOSEN_DIFFERENCE));
            long forward = 0;
            long backward = 0;
            long update = 0;
            double rhoSum = 0;
            ResidentMemory.Sample at50 = null;
            long heapAt50 = -1;
            long rssStart = ResidentMemory.sample().rssKb();
            int total = warmup + steps;
            for (int s = 0; s < total; s++) {
                try (NDScope scope = new NDScope()) {
                    NDList b = nextBatch.get();
                    long t0 = System.nanoTime();
                    NDList g = Autograd.recording(() -> {
                        LossTerms terms = DeepDefense.loss(settings).compute(model, b.get(0), b.get(1));
                        terms.total().getFloat(); // materialise the forward before timing the backward
                        long t1 = System.nanoTime();
                        NDList grads = optimizer.gradients(terms.total());
                        grads.get(0).sum().getFloat();
                        long t2 = System.nanoTime();
                        timing[0] = t1 - t0;
                        timing[1] = t2 - t1;
                        timing[2] = Double.doubleToLongBits(terms.terms().get("rho").getFloat());
                        return grads;
                    });
                    long t3 = System.nanoTime();
                    optimizer.update(g, 5e-4f);
                    g.get(0).sum().getFloat();
                    long t4 = System.nanoTime();
                    if (s >= warmup) {
                        forward += timing[0];
                        backward += timing[1];
                        update += t4 - t3;
                        rhoSum += Double.longBitsToDouble(timing[2]);
                    }
                }
                if (s >= warmup && ((s - warmup + 1) % 50 == 0 || s - warmup < 50 && (s - warmup + 1) % 10 == 0)) {
                    spec.commandLine().getErr().printf(Locale.ROOT, "  %d steps: %.1f ms/step so far%n", s - warmup + 1,
                            (forward + backward + update) / 1e6 / (s - warmup + 1));
                    spec.commandLine().getErr().flush();
                }
                if (s - warmup + 1 == 50) {
                    System.gc();
                    at50 = ResidentMemory.sample();
                    heapAt50 = heapCommittedKb();
                }
            }
            System.gc();
            ResidentMemory.Sample end = ResidentMemory.sample();
            long heapEnd = heapCommittedKb();
            double stepMs = (forward + backward + update) / 1e6 / steps;
            out.printf(Locale.ROOT, "Deep Defense step benchmark: %s, batch %d, %d DeepFool iterations, %s preprocessing, "
                    + "device %s, %d threads (torch intra-op), %d timed steps after %d warm-up%n", architecture, batch, maxIter,
                    preprocessing, dev, ai.djl.pytorch.jni.JniUtils.getNumThreads(), steps, warmup);
            out.printf(Locale.ROOT, "  step time        %8.2f ms%n", stepMs);
            out.printf(Locale.ROOT, "    forward unroll %8.2f ms (%4.1f%%)  CE + DeepFool with graph%n", forward / 1e6 / steps, 100.0 * forward / (forward + backward + update));
            out.printf(Locale.ROOT, "    gradient       %8.2f ms (%4.1f%%)  double backward to the weights%n", backward / 1e6 / steps, 100.0 * backward / (forward + backward + update));
            out.printf(Locale.ROOT, "    update         %8.2f ms (%4.1f%%)  SGD momentum%n", update / 1e6 / steps, 100.0 * update / (forward + backward + update));
            out.printf(Locale.ROOT, "  mean batch ||dx||/||x||  %.4f%n", rhoSum / steps);
            long rssAt50 = at50 == null ? -1 : at50.rssKb();
            out.printf(Locale.ROOT, "  RSS before %d MB, after step 50 %d MB, after step %d %d MB, growth 50->%d: %s%n",
                    rssStart / 1024, rssAt50 / 1024, steps, end.rssKb() / 1024, steps, growth(at50, end));
            out.printf(Locale.ROOT, "  JVM heap committed after step 50 %d MB, after step %d %d MB%n",
                    heapAt50 / 1024, steps, heapEnd / 1024);
            out.flush();
        }
        return 0;
    }

    private final long[] timing = new long[3];

    /** Whether {@code architecture}'s network (built for CIFAR-sized inputs, not initialised) has BatchNorm. */
    private static boolean hasBatchNorm(dev.defensebench.model.Architecture architecture) {
        return architecture.build(TrainingThroughput.SAMPLE, TrainingThroughput.CLASSES).getParameters().stream()
                .anyMatch(p -> p.getValue().getType() == ai.djl.nn.Parameter.Type.RUNNING_MEAN);
    }

    private int throughput(PrintWriter out) {
        if (throughputSteps < 1 || batch < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--throughput-steps and --batch must be at least 1, found " + throughputSteps + " and " + batch);
        }
        Device dev = Devices.resolve(device);
        EnvironmentException.requireSoundNumerics(dev);
        TrainingThroughput.run(Plugins.discover().architecture(architecture), batch, throughputSteps, dev, out);
        return 0;
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
