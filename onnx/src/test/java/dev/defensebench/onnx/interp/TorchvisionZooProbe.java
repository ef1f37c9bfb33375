package dev.defensebench.onnx.interp;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.onnx.OnnxFileReader;
import dev.defensebench.onnx.graph.Model;
import dev.defensebench.onnx.graph.Node;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * A developer tool, not part of the suite (the files are 5–500 MB): runs every {@code NAME_OPSET.onnx} that
 * {@code src/test/fixtures/torchvision_zoo.py} wrote into {@code -Dzoo.dir} through the interpreter in float32 and
 * float64 and prints one markdown row per model for docs/onnx.md ("torchvision 0.14 models"): name, opset, the first
 * uninterpreted node (or none), PyTorch's own float32 gradient error, and the interpreter's float32 logit, float32
 * gradient and float64 gradient errors, each max |a − b| / max |b| against PyTorch float64 on the same weights and
 * input. It then fails if a model misses issue 24's bar: an uninterpreted node, logits beyond 1e-4, or a float32
 * gradient beyond 1e-3 where PyTorch's own float32 gradient is within 1e-4. Tagged {@code zoo} and enabled only
 * with {@code zoo.dir} set, so {@code ./run-tests} never runs it:
 *
 * <pre>mvn -B -q -pl onnx -am verify -Dgroups=zoo -Dzoo.dir=DIR -Dtest=TorchvisionZooProbe -Dsurefire.failIfNoSpecifiedTests=false</pre>
 */
@Tag("zoo")
@EnabledIfSystemProperty(named = "zoo.dir", matches = ".+")
class TorchvisionZooProbe {

    private static final Pattern FILE = Pattern.compile("(.+)_(\\d+)\\.onnx");

    @Test
    void everyExportedModelIsWhiteBoxAndAccurate() throws IOException {
        Path dir = Path.of(System.getProperty("zoo.dir"));
        List<Path> files = exports(dir);
        assertThat(files).as("no NAME_OPSET.onnx files in %s (write them with torchvision_zoo.py)", dir).isNotEmpty();
        System.out.println("| Model | Opset | Uninterpreted node | PyTorch float32 gradient | Interpreter float32 logits"
                + " | Interpreter float32 gradient | Interpreter float64 gradient |");
        List<String> misses = new ArrayList<>();
        for (Path file : files) {
            Row row = measure(file);
            System.out.println(row.markdown());
            System.out.flush();
            if (!row.meetsTheBar()) {
                misses.add(row.markdown());
            }
        }
        assertThat(misses).as("models below issue 24's bar").isEmpty();
    }

    /** The export files of {@code dir}, smallest first. */
    private static List<Path> exports(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> FILE.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingLong(TorchvisionZooProbe::size)).toList();
        }
    }

    private static Row measure(Path file) throws IOException {
        Matcher m = FILE.matcher(file.getFileName().toString());
        assertThat(m.matches()).isTrue();
        String stem = file.getFileName().toString().replaceAll("\\.onnx$", "");
        Model model = OnnxFileReader.read(file, Long.MAX_VALUE).model(); // external data (over 2 GiB) read from beside it
        Node unsupported = OnnxGraphBlock.firstUnsupported(model.graph());
        Row row = new Row(m.group(1), Integer.parseInt(m.group(2)));
        if (unsupported != null) {
            return row.withUnsupported(unsupported.opType() + " (`" + unsupported.name() + "`)");
        }
        Path base = file.resolveSibling(stem);
        float[] input = floats(sibling(base, ".input.bin"));
        double[] logits64 = doubles(sibling(base, ".logits64.bin"));
        double[] grad64 = doubles(sibling(base, ".grad64.bin"));
        Path grad32 = sibling(base, ".grad32.bin");
        Result f32 = run(model, input, logits64.length, DataType.FLOAT32);
        Result f64 = run(model, input, logits64.length, DataType.FLOAT64);
        return row.withErrors(Files.exists(grad32) ? relativeError(toDoubles(floats(grad32)), grad64) : Double.NaN,
                relativeError(f32.logits(), logits64), relativeError(f32.grad(), grad64), relativeError(f64.grad(), grad64));
    }

    /** The interpreter's logits and input gradient of the summed cross-entropy (labels 0, 1, …) in {@code type}. */
    private static Result run(Model model, float[] input, int logitCount, DataType type) {
        int batch = 2;
        int side = (int) Math.round(Math.sqrt(input.length / (3.0 * batch)));
        assertThat(batch * 3 * side * side).as("input of %d values is not 2×3×S×S", input.length).isEqualTo(input.length);
        int classes = logitCount / batch;
        try (NDManager manager = NDManager.newBaseManager()) {
            OnnxGraphBlock block = OnnxGraphBlock.build(model, manager, type);
            NDArray x0 = manager.create(input, new Shape(batch, 3, side, side)).toType(type, false);
            NDArray[] out = Autograd.recording(() -> {
                NDArray x = Autograd.leaf(x0);
                NDArray logits = block.forward(new ParameterStore(), new NDList(x), false).singletonOrThrow();
                NDArray oneHot = manager.arange(batch).oneHot(classes).toType(type, false);
                NDArray g = Autograd.gradient(logits.logSoftmax(1).mul(oneHot).sum().neg(), x, false);
                return new NDArray[] {logits, g};
            });
            return new Result(doubles(out[0]), doubles(out[1]));
        }
    }

    private static double[] doubles(NDArray a) {
        return a.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    /** max |a − b| / max |b|. */
    static double relativeError(double[] actual, double[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < actual.length; i++) {
            diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return diff / Math.max(scale, 1e-300);
    }

    private static Path sibling(Path base, String suffix) {
        return base.resolveSibling(base.getFileName() + suffix);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static float[] floats(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }

    private static double[] doubles(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        double[] d = new double[b.remaining() / 8];
        b.asDoubleBuffer().get(d);
        return d;
    }

    private static double[] toDoubles(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    /** The interpreter's logits and input gradient, widened to double. */
    private record Result(double[] logits, double[] grad) {}

    /** One line of the table; the errors are NaN when not measured (an uninterpreted node, no float32 reference). */
    private record Row(String model, int opset, String unsupported, double torchGrad32, double logits32, double grad32,
            double grad64) {

        Row(String model, int opset) {
            this(model, opset, null, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }

        Row withUnsupported(String node) {
            return new Row(model, opset, node, torchGrad32, logits32, grad32, grad64);
        }

        Row withErrors(double torch, double logits, double grad, double wide) {
            return new Row(model, opset, unsupported, torch, logits, grad, wide);
        }

        /** No uninterpreted node, logits within 1e-4, float32 gradient within 1e-3 where PyTorch's is within 1e-4. */
        boolean meetsTheBar() {
            boolean exempt = torchGrad32 > 1e-4;
            return unsupported == null && logits32 <= 1e-4 && (exempt || grad32 <= 1e-3);
        }

        String markdown() {
            return "| " + model + " | " + opset + " | " + (unsupported == null ? "none" : unsupported) + " | "
                    + format(torchGrad32) + " | " + format(logits32) + " | " + format(grad32) + " | " + format(grad64) + " |";
        }

        private static String format(double e) {
            return Double.isNaN(e) ? "—" : String.format(java.util.Locale.ROOT, "%.1e", e);
        }
    }
}
