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
import dev.defensebench.files.AtomicFiles;
import dev.defensebench.data.ImageSplit;
import dev.defensebench.data.LoadedDataset;
import dev.defensebench.data.Preprocessing;
import dev.defensebench.data.Preprocessor;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.kernels.MklDispatch;
import dev.defensebench.onnx.OnnxExporter;
import dev.defensebench.onnx.graph.OnnxCodec;
import dev.defensebench.spi.InputBox;
import dev.defensebench.train.Losses;
import dev.defensebench.train.SgdOptimizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code defense-bench bench}: benchmarks that print figures. {@code --mode step} (the default): the Deep
 * Defense training step, split into the forward unroll, the gradient (double backward) and the update,
 * with the resident set size after step 50 and after the last step; with {@code --throughput} (the default
 * for architectures with BatchNorm, such as resnet18) the images/s of plain and PGD-AT training steps
 * instead ({@link TrainingThroughput}). {@code --mode attacks}: images per second of every registered
 * attack (default parameters) on a fixed test batch, per architecture, then the ensemble on a fixed
 * ℓ∞-robust MLP (PGD-trained here, seeded). Networks are pre-trained briefly with plain SGD first, so the
 * attacks meet a real classifier. The MNIST modes print the oneDNN ISA and MKL dispatch in use.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {OnnxBenchCommand.class, BenchSuiteCommand.class},
        description = "Benchmark the Deep Defense training step, training throughput, or the attacks (images/s).")
final class BenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--mode", defaultValue = "step", description = "step (Deep Defense step), attacks, certify (the "
            + "certifiers' throughput, CertifyBench) or scale (real-scale rows, ScaleBench) (default: ${DEFAULT-VALUE})")
    String mode;

    @CommandLine.Mixin
    CertifyBench.Options certifyOptions = new CertifyBench.Options();

    @CommandLine.Mixin
    AttackModeBench.Options attackOptions = new AttackModeBench.Options();

    @CommandLine.Mixin
    ScaleBench.Options scaleOptions = new ScaleBench.Options();

    @Option(names = "--arch", split = ",", description = "architectures, comma-separated (default: mlp for step, mlp,lenet for attacks)")
    List<String> architectures;

    @Option(names = "--save-onnx", paramLabel = "DIR", description = "write every benchmarked network, as timed, to "
            + "DIR/ARCH.onnx (step mode: DIR/ARCH-step.onnx; the ensemble's: DIR/robust-mlp.onnx; scale mode: also its "
            + "batch, DIR/ARCH-inputs.f32 and DIR/ARCH-labels.i64), for timing reference code on the same weights "
            + "(docs/bench/reference_speed.py)")
    Path saveOnnx;

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

    @Option(names = "--preprocessing", description = "unit or paper (default: paper for step, unit for attacks)")
    String preprocessing;

    @Option(names = "--device", defaultValue = "cpu", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "data directory (see 'run')")
    Path dataDir;

    @Option(names = "--trace", paramLabel = "DIR", description = "step mode: after the timed steps, run "
            + DeepDefenseStepBench.TRACED_STEPS + " more under libtorch's profiler and write its chrome trace to "
            + "DIR/ARCH-step-trace.json")
    Path trace;

    @Option(names = "--throughput", negatable = true, description = "instead: images/s of plain and PGD-AT training "
            + "steps of --arch on synthetic 3x32x32 batches of --batch images (CIFAR-sized; no data set needed); "
            + "default: on for architectures with BatchNorm (resnet18, preact-resnet18, wrn-*, nin), else off")
    Boolean throughput;

    @Option(names = "--throughput-steps", defaultValue = "5",
            description = "timed steps of each kind with --throughput (default: ${DEFAULT-VALUE})")
    int throughputSteps;

    /** A pre-trained network, its optimiser and an endless source of training batches. */
    private record Trained(String architecture, BlockClassifier model, SgdOptimizer optimizer, Supplier<NDList> nextBatch) {

        DeepDefenseStepBench.Subject subject() {
            return new DeepDefenseStepBench.Subject(architecture, model, optimizer, nextBatch);
        }
    }

    @Override
    public Integer call() throws IOException {
        boolean attacks = switch (mode) {
            case "step", "scale" -> false;
            case "attacks", "certify" -> true; // certify: the attacks mode's networks and data, the certifiers timed
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--mode must be step, attacks, certify or scale, found '" + mode + "'");
        };
        boolean certify = mode.equals("certify");
        checkOptions(attacks);
        String prep = preprocessing != null ? preprocessing : attacks ? "unit" : "paper";
        List<String> archs = architectures != null ? architectures : attacks ? List.of("mlp", "lenet") : List.of("mlp");
        PrintWriter out = spec.commandLine().getOut();
        if (mode.equals("scale")) { // synthetic CIFAR-shaped batches, no data set
            return ScaleBench.command(spec.commandLine(), scaleOptions, batch, architectures, device, out, new ScaleBench.Saver() {
                @Override
                public void save(BlockClassifier model, String name) throws IOException {
                    BenchCommand.this.save(model, name);
                }

                @Override
                public void saveBatch(String name, NDArray x, NDArray y) throws IOException {
                    BenchCommand.this.saveBatch(name, x, y);
                }
            });
        }
        if (!attacks && archs.stream().allMatch(this::throughputMode)) { // no data set needed
            for (String arch : archs) {
                throughput(out, arch);
            }
            return 0;
        }
        LoadedDataset data = DatasetRegistry.standard().load("mnist", DatasetRegistry.defaultDataDir(dataDir));
        Preprocessor pre = Preprocessing.parse(prep).fit(data.train());
        Device dev = Devices.resolve(device);
        EnvironmentException.requireSoundNumerics(dev);
        printKernels(out, dev);
        for (String arch : archs) {
            Engine.getInstance().setRandomSeed(0);
            try (NDManager manager = NDManager.newBaseManager(dev)) {
                Trained trained = pretrain(arch, data, pre, prep, manager);
                save(trained.model(), attacks ? arch : arch + "-step");
                if (certify) {
                    NDList test = testBatch(data, pre, certifyOptions.points, manager);
                    out.printf(Locale.ROOT, "%n%s, clean accuracy %.3f%n%s%n", arch, AttackBench.accuracy(trained.model(), test), CertifyBench.header());
                    new CertifyBench(certifyOptions, attackOptions.minSeconds).table(out, arch, trained.model(), test.get(0), test.get(1),
                            attackOptions.linfEps);
                } else if (attacks) {
                    NDList test = testBatch(data, pre, attackOptions.images == null ? batch : attackOptions.images, manager);
                    new AttackModeBench(attackOptions, batch).table(out, arch, trained.model(), test, AttackBench.accuracy(trained.model(), test));
                } else if (throughputMode(arch)) {
                    throughput(out, arch);
                } else {
                    new DeepDefenseStepBench(batch, maxIter, steps, warmup, trace).run(trained.subject(), prep, dev, out,
                            spec.commandLine().getErr());
                }
            }
        }
        if (attacks && !certify && attackOptions.ensembleImages > 0) {
            Engine.getInstance().setRandomSeed(0);
            try (NDManager manager = NDManager.newBaseManager(dev)) {
                Trained robust = pretrain("mlp", data, pre, prep, manager);
                AttackModeBench bench = new AttackModeBench(attackOptions, batch);
                bench.robustTraining(robust.model(), robust.optimizer(), robust.nextBatch());
                save(robust.model(), "robust-mlp");
                NDList test = testBatch(data, pre, attackOptions.ensembleImages, manager);
                bench.ensemble(out, robust.model(), test, AttackBench.accuracy(robust.model(), test));
            }
        }
        return 0;
    }

    /** Fails, before any work, on a count or number out of range, an unknown architecture, preprocessing or attack option. */
    private void checkOptions(boolean attacks) {
        certifyOptions.check(spec.commandLine());
        if (attacks) {
            attackOptions.check(spec.commandLine());
        }
        atLeast("--batch", batch, 1);
        atLeast("--steps", steps, 1);
        atLeast("--warmup", warmup, 0);
        atLeast("--pretrain-steps", pretrainSteps, 0);
        atLeast("--max-iter", maxIter, 1);
        atLeast("--throughput-steps", throughputSteps, 1);
        attackOptions.checkNumbers(spec.commandLine());
        try {
            if (preprocessing != null) {
                Preprocessing.parse(preprocessing);
            }
            if (architectures != null) {
                architectures.forEach(Plugins.discover()::architecture);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private void atLeast(String option, int value, int least) {
        if (value < least) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be at least " + least + ", found "
                    + value);
        }
    }

    /** The oneDNN ISA, MKL dispatch, device and thread count in use. */
    private static void printKernels(PrintWriter out, Device dev) {
        String isa = System.getenv("DNNL_MAX_CPU_ISA");
        out.printf(Locale.ROOT, "oneDNN ISA: %s; MKL: %s; device %s, %d threads (torch intra-op)%n",
                isa == null || isa.isBlank() ? "(DNNL_MAX_CPU_ISA unset: all the CPU has)" : "DNNL_MAX_CPU_ISA=" + isa,
                MklDispatch.activeShim().map(f -> "Intel code path (" + f + " preloaded)").orElse("its own dispatch"), dev,
                ai.djl.pytorch.jni.JniUtils.getNumThreads());
    }

    /** Builds {@code arch} and trains it for {@code --pretrain-steps} plain SGD steps. */
    private Trained pretrain(String arch, LoadedDataset data, Preprocessor pre, String prep, NDManager manager) {
        ImageSplit split = data.train();
        Shape sample = new Shape(split.channels(), split.height(), split.width());
        float[] inputs = pre.apply(split);
        InputBox box = new InputBox(pre.lowerBound(), pre.upperBound(), sample);
        Block block = Plugins.discover().architecture(arch).build(sample, data.numClasses());
        block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(sample));
        BlockClassifier model = new BlockClassifier(block, data.numClasses(), box);
        // lenet diverges at 0.05 on [0, 1] pixels; 0.01 trains both networks
        float lrPre = "paper".equals(prep) ? 1e-4f : 0.01f;
        SgdOptimizer optimizer = new SgdOptimizer(block, manager, 0.9, 5e-4);
        int per = (int) sample.size();
        int[] cursor = {0};
        Supplier<NDList> nextBatch = () -> {
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
        return new Trained(arch, model, optimizer, nextBatch);
    }

    /** The first {@code n} test images and labels. */
    private static NDList testBatch(LoadedDataset data, Preprocessor pre, int n, NDManager manager) {
        ImageSplit test = data.test();
        int per = test.pixelsPerImage();
        float[] xs = java.util.Arrays.copyOf(pre.apply(test), n * per);
        long[] ys = new long[n];
        for (int i = 0; i < n; i++) {
            ys[i] = test.labels()[i];
        }
        return new NDList(manager.create(xs, new Shape(n, test.channels(), test.height(), test.width())), manager.create(ys));
    }

    /** With {@code --save-onnx}: writes {@code model} as DIR/NAME.onnx. */
    private void save(BlockClassifier model, String name) throws IOException {
        if (saveOnnx == null) {
            return;
        }
        java.nio.file.Files.createDirectories(saveOnnx);
        Path file = saveOnnx.resolve(name + ".onnx");
        java.nio.file.Files.write(file, OnnxCodec.encode(OnnxExporter.export(model.block(), model.sampleShape(),
                model.numClasses(), "bench", Map.of())));
        spec.commandLine().getErr().println("wrote " + file);
    }


    /**
     * With {@code --save-onnx}: writes a scale-mode batch as DIR/NAME-inputs.f32 (its float32 inputs) and
     * DIR/NAME-labels.i64 (its int64 labels), raw little-endian in row-major order, for
     * {@code reference_speed.py scale} to run on the same points.
     */
    private void saveBatch(String name, NDArray x, NDArray y) throws IOException {
        if (saveOnnx == null) {
            return;
        }
        java.nio.file.Files.createDirectories(saveOnnx);
        for (var part : Map.of("-inputs.f32", x.toType(DataType.FLOAT32, false), "-labels.i64",
                y.toType(DataType.INT64, false)).entrySet()) {
            Path file = saveOnnx.resolve(name + part.getKey());
            AtomicFiles.write(file, part.getValue().toByteArray()); // native byte order: little-endian on x86-64 and arm64
            spec.commandLine().getErr().println("wrote " + file);
        }
    }

    /** Whether the step mode times training throughput for {@code arch} (--throughput, or BatchNorm by default). */
    private boolean throughputMode(String arch) {
        return throughput != null ? throughput : TrainingThroughput.hasBatchNorm(Plugins.discover().architecture(arch));
    }

    private void throughput(PrintWriter out, String arch) {
        if (throughputSteps < 1 || batch < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--throughput-steps and --batch must be at least 1, found " + throughputSteps + " and " + batch);
        }
        Device dev = Devices.resolve(device);
        EnvironmentException.requireSoundNumerics(dev);
        TrainingThroughput.run(Plugins.discover().architecture(arch), batch, throughputSteps, dev, out);
    }
}
