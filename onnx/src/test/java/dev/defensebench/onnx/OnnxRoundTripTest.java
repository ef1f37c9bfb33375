package dev.defensebench.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.model.Architecture;
import dev.defensebench.model.CifarConvNet;
import dev.defensebench.model.LeNet;
import dev.defensebench.model.Mlp;
import dev.defensebench.model.ResNet18;
import dev.defensebench.model.WideResNet;
import dev.defensebench.onnx.graph.Model;
import dev.defensebench.onnx.graph.Node;
import dev.defensebench.onnx.graph.OnnxCodec;
import dev.defensebench.spi.InputBox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every built-in architecture (the residual ones narrow, with random BatchNorm statistics): export, run the
 * file in ONNX Runtime (logits equal, within 1e-4 of the largest logit, at least 1, on a random batch, DJL's evaluation of the same float32 weights in float64 — the exact value: on the
 * development machine libtorch's own float32 forward pass of LeNet's second convolution was measured
 * off by up to ~1 and sometimes NaN, so it cannot be the reference), decode it again (opset, names, dynamic batch, metadata), and import it back: the graph
 * interpreter is taken and gives the same logits.
 */
class OnnxRoundTripTest {

    @TempDir
    Path temp;

    static Stream<Arguments> architectures() {
        return Stream.of(
                Arguments.of(new Mlp(), new Shape(1, 28, 28)),
                Arguments.of(new LeNet(), new Shape(1, 28, 28)),
                Arguments.of(new CifarConvNet(), new Shape(3, 32, 32)),
                Arguments.of(new ResNet18(4), new Shape(3, 16, 16)),
                Arguments.of(new WideResNet(10, 1), new Shape(3, 16, 16)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void exportsRunsInOnnxRuntimeAndImportsBack(Architecture architecture, Shape sampleShape) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            Block block = architecture.build(sampleShape, 10);
            block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(sampleShape));
            randomBatchNorm(block, new Random(5));
            Model model = OnnxExporter.export(block, sampleShape, 10, "test", Map.of("defense_bench.preprocessing", "unit"));
            Path file = temp.resolve(architecture.name() + ".onnx");
            Files.write(file, OnnxCodec.encode(model));

            Model decoded = OnnxCodec.decode(Files.readAllBytes(file));
            assertThat(decoded.defaultOpset()).isGreaterThanOrEqualTo(13);
            assertThat(decoded.graph().inputs()).singleElement().satisfies(in -> {
                assertThat(in.name()).isEqualTo(OnnxExporter.INPUT);
                assertThat(in.dims().get(0).isFixed()).as("dynamic batch").isFalse();
                assertThat(in.dims().subList(1, in.dims().size())).extracting(d -> d.value())
                        .containsExactly(sampleShape.getShape()[0], sampleShape.getShape()[1], sampleShape.getShape()[2]);
            });
            assertThat(decoded.graph().outputs()).singleElement().satisfies(out -> assertThat(out.name()).isEqualTo(OnnxExporter.OUTPUT));
            assertThat(decoded.metadata()).containsEntry("defense_bench.preprocessing", "unit");
            assertThat(decoded.graph().nodes()).extracting(Node::opType).doesNotContain("Gemm", "Flatten");

            InputBox box = InputBox.uniform(0f, 1f, sampleShape);
            int n = 37; // not a multiple of the runtime batch: exercises the batching
            float[] xs = new float[n * (int) sampleShape.size()];
            Random random = new Random(11);
            for (int i = 0; i < xs.length; i++) {
                xs[i] = random.nextFloat();
            }
            NDArray x = manager.create(xs, new Shape(n).addAll(sampleShape));
            // the exact reference: the same float32 weights evaluated in float64 by DJL
            Block wide = architecture.build(sampleShape, 10);
            wide.initialize(manager, DataType.FLOAT64, new Shape(1).addAll(sampleShape));
            var narrow = block.getParameters().values();
            var twin = wide.getParameters().values();
            for (int i = 0; i < narrow.size(); i++) {
                twin.get(i).getArray().set(narrow.get(i).getArray().toType(DataType.FLOAT64, false).toDoubleArray());
            }
            float[] expected = Autograd.notRecording(() -> wide.forward(new ParameterStore(),
                    new NDList(x.toType(DataType.FLOAT64, false)), false).singletonOrThrow().toType(DataType.FLOAT32, false)).toFloatArray();

            // float32 rounding grows with the logits' size: 1e-4 of the largest one (at least 1)
            double tolerance = 1e-4 * Math.max(1, maxDiff(expected, new float[expected.length]));
            OnnxRuntimeSettings runtime = new OnnxRuntimeSettings(1, "cpu", 16);
            try (ImportedModel blackBox = OnnxImporter.load(new ImportRequest(file, 10, box, ImportRequest.DEFAULT_MAX_BYTES, false, runtime), manager)) {
                assertThat(blackBox.path()).isEqualTo(ImportedModel.ONNX_RUNTIME);
                assertThat(blackBox.classifier().isDifferentiable()).isFalse();
                float[] onnx = blackBox.classifier().logits(x).toFloatArray();
                assertThat(maxDiff(onnx, expected)).as("ONNX Runtime vs DJL").isLessThan(tolerance);
            }
            try (ImportedModel whiteBox = OnnxImporter.load(new ImportRequest(file, 10, box, ImportRequest.DEFAULT_MAX_BYTES, true, runtime), manager)) {
                assertThat(whiteBox.path()).as(String.valueOf(whiteBox.whyNotDjl())).isEqualTo(ImportedModel.DJL);
                assertThat(whiteBox.classifier().isDifferentiable()).isTrue();
                // the interpreter gives the exported network's logits ...
                float[] interpreted = Autograd.notRecording(() -> whiteBox.classifier().logits(x)).toFloatArray();
                assertThat(maxDiff(interpreted, expected)).as("interpreter vs DJL").isLessThan(tolerance);
                // ... and computes what ONNX Runtime computes (checked in float64 by the importer)
                assertThat(whiteBox.maxDifference()).as("float64 rebuild vs ONNX Runtime").isLessThan(OnnxImporter.REBUILD_TOLERANCE);
            }
        }
    }

    /** BatchNorm's scale, shift and running statistics away from their initial 1, 0, 0, 1, so that each is exercised. */
    static void randomBatchNorm(Block block, Random random) {
        for (var p : block.getParameters()) {
            String name = p.getKey();
            if (name.endsWith("gamma") || name.endsWith("beta") || name.endsWith("runningMean") || name.endsWith("runningVar")) {
                float[] values = p.getValue().getArray().toFloatArray();
                for (int i = 0; i < values.length; i++) {
                    values[i] = name.endsWith("runningVar") || name.endsWith("gamma") ? 0.5f + random.nextFloat()
                            : random.nextFloat() - 0.5f;
                }
                p.getValue().getArray().set(values);
            }
        }
    }

    static double maxDiff(float[] a, float[] b) {
        assertThat(a).hasSameSizeAs(b);
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }
}
