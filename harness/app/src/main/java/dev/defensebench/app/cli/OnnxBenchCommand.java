package dev.defensebench.app.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.app.run.Devices;
import dev.defensebench.attacks.Pgd;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.data.DatasetRegistry;
import dev.defensebench.data.ImageSplit;
import dev.defensebench.data.LoadedDataset;
import dev.defensebench.data.Preprocessing;
import dev.defensebench.data.Preprocessor;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.onnx.OnnxExporter;
import dev.defensebench.onnx.graph.OnnxCodec;
import dev.defensebench.onnx.interp.OnnxGraphBlock;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code defense-bench bench onnx}: the cost of attacking an imported model white-box. Builds an
 * architecture natively, exports it to ONNX, runs the file through the graph interpreter, and times
 * PGD (L∞, random start) on the same MNIST test images through both, alternating rounds.
 */
@Command(name = "onnx", mixinStandardHelpOptions = true,
        description = "PGD images/s through the ONNX graph interpreter vs the same architecture built natively.")
final class OnnxBenchCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--arch", defaultValue = "mlp", description = "architecture to export (default: ${DEFAULT-VALUE})")
    String architecture;

    @Option(names = "--steps", defaultValue = "40", description = "PGD steps (default: ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--images", defaultValue = "200", description = "test images per round (default: ${DEFAULT-VALUE})")
    int images;

    @Option(names = "--rounds", defaultValue = "5", description = "timed rounds per model, after one warm-up (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--device", defaultValue = "cpu", description = "auto, cpu or gpu (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "data directory (see 'run')")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        LoadedDataset data = DatasetRegistry.standard().load("mnist", DatasetRegistry.defaultDataDir(dataDir));
        Preprocessor pre = Preprocessing.UNIT.fit(data.train());
        ImageSplit test = data.test().first(images);
        Shape sample = new Shape(test.channels(), test.height(), test.width());
        InputBox box = new InputBox(pre.lowerBound(), pre.upperBound(), sample);
        Device dev = Devices.resolve(device);
        EnvironmentException.requireSoundNumerics(dev);
        Engine.getInstance().setRandomSeed(0);
        try (NDManager manager = NDManager.newBaseManager(dev)) {
            Block block = Plugins.discover().architecture(architecture).build(sample, data.numClasses());
            block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(sample));
            Classifier nativeModel = new BlockClassifier(block, data.numClasses(), box);
            byte[] onnx = OnnxCodec.encode(OnnxExporter.export(block, sample, data.numClasses(), "bench", Map.of()));
            OnnxGraphBlock graph = OnnxGraphBlock.build(OnnxCodec.decode(onnx), manager, DataType.FLOAT32);
            Classifier interpreted = new BlockClassifier(graph, data.numClasses(), box);
            NDArray x = manager.create(pre.apply(test), new Shape(images).addAll(sample));
            NDArray y = manager.create(java.util.Arrays.stream(test.labels()).asLongStream().toArray());
            double diff = Autograd.notRecording(() -> nativeModel.logits(x).sub(interpreted.logits(x)).abs().max().getFloat());
            Pgd.Settings settings = new Pgd.Settings(steps, 0.01, true);
            attack(nativeModel, x, y, settings);
            attack(interpreted, x, y, settings);
            long nativeNanos = 0;
            long interpretedNanos = 0;
            for (int r = 0; r < rounds; r++) {
                nativeNanos += attack(nativeModel, x, y, settings);
                interpretedNanos += attack(interpreted, x, y, settings);
            }
            double nativeRate = images * (double) rounds / (nativeNanos / 1e9);
            double interpretedRate = images * (double) rounds / (interpretedNanos / 1e9);
            out.printf(Locale.ROOT, "ONNX interpreter benchmark: %s exported to ONNX (%d bytes, %d nodes run per pass), PGD-%d Linf "
                    + "eps 0.3 on %d MNIST test images, %d rounds after one warm-up, device %s, %d threads%n", architecture,
                    onnx.length, graph.liveNodes(), steps, images, rounds, dev, ai.djl.pytorch.jni.JniUtils.getNumThreads());
            out.printf(Locale.ROOT, "  max |logit| difference, interpreter vs native: %.3g%n", diff);
            out.printf(Locale.ROOT, "  native       %8.1f images/s%n", nativeRate);
            out.printf(Locale.ROOT, "  interpreter  %8.1f images/s%n", interpretedRate);
            out.printf(Locale.ROOT, "  cost ratio (native / interpreter rate): %.3f%n", nativeRate / interpretedRate);
            out.flush();
        }
        return 0;
    }

    private static long attack(Classifier model, NDArray x, NDArray y, Pgd.Settings settings) {
        try (NDScope scope = new NDScope()) {
            long t0 = System.nanoTime();
            NDArray adversarial = Pgd.perturb(model, x, Pgd.crossEntropy(y), y, Norm.LINF, 0.3, settings, new Random(0));
            adversarial.sum().getFloat();
            return System.nanoTime() - t0;
        }
    }
}
