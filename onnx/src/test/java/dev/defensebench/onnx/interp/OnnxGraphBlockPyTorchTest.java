package dev.defensebench.onnx.interp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.defensebench.autograd.Autograd;
import java.nio.FloatBuffer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The interpreter against PyTorch: for every fixture model exported by make_fixtures.py, logits within
 * 1e-4 of PyTorch's (relative to their largest magnitude), input gradients of the summed cross-entropy
 * within 1e-3 (relative likewise), and logits equal to ONNX Runtime's on the same file (within 1e-4 relative:
 * float32 kernels differ in summation order).
 */
class OnnxGraphBlockPyTorchTest {

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    static Stream<PyTorchFixture> supported() {
        return PyTorchFixture.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("supported")
    void logitsAndInputGradientsMatchPyTorch(PyTorchFixture f) throws Exception {
        OnnxGraphBlock block = OnnxGraphBlock.build(f.classifier(), manager, DataType.FLOAT32);
        assertThat(OnnxGraphBlock.firstUnsupported(f.model().graph())).as("unsupported node of %s", f.name()).isNull();
        try (NDManager scope = manager.newSubManager()) {
            NDArray input = scope.create(f.input(), new Shape(f.inputShape()));
            NDArray[] out = Autograd.recording(() -> {
                NDArray x = Autograd.leaf(input);
                NDArray logits = block.forward(new ParameterStore(), new NDList(x), false).singletonOrThrow();
                NDArray oneHot = scope.create(f.labels()).oneHot(f.classes());
                NDArray loss = logits.logSoftmax(1).mul(oneHot).sum().neg();
                return new NDArray[] {logits, Autograd.gradient(loss, x, false)};
            });
            float[] logits = out[0].toFloatArray();
            assertThat(relativeError(logits, f.logits())).as("logits of %s", f.name()).isLessThanOrEqualTo(1e-4);
            assertThat(relativeError(out[1].toFloatArray(), f.grad())).as("input gradient of %s", f.name()).isLessThanOrEqualTo(1e-3);
            assertThat(relativeError(logits, onnxRuntime(f))).as("logits of %s vs ONNX Runtime", f.name()).isLessThanOrEqualTo(1e-4);
        }
    }

    @Test
    void anOperatorOutsideTheSetIsNamedWithItsNode() {
        dev.defensebench.onnx.graph.Model m = UnsupportedFixture.withUnknownOperator(PyTorchFixture.named("layernorm_opset17").model());
        assertThatThrownBy(() -> OnnxGraphBlock.build(m, manager, DataType.FLOAT32))
                .isInstanceOf(UnsupportedNodeException.class)
                .hasMessageContaining(UnsupportedFixture.OPERATOR)
                .satisfies(e -> assertThat(((UnsupportedNodeException) e).node().opType()).isEqualTo(UnsupportedFixture.OPERATOR));
    }

    @Test
    void theFixturesCoverTheOperatorsTheIssueNames() {
        java.util.Set<String> seen = new java.util.TreeSet<>();
        PyTorchFixture.all().forEach(f -> seen.addAll(f.operators()));
        assertThat(seen).contains("Conv", "ConvTranspose", "BatchNormalization", "Clip", "HardSwish", "HardSigmoid", "Concat",
                "Transpose", "Sub", "Div", "Gemm", "MatMul", "Resize", "Slice", "Split", "Pad", "Gather", "Shape", "Erf", "PRelu",
                // issue 24
                "LayerNormalization", "GroupNormalization", "InstanceNormalization", "LRN", "Equal", "Less", "Greater", "Where",
                "Not", "And", "Or", "Mod", "Range", "ScatterND", "Expand", "Tile", "Einsum", "Gelu", "Softplus", "Softsign",
                "Sign", "Shrink", "Celu", "Mish", "ReduceMax", "ReduceMin", "ReduceL2", "ReduceLogSumExp");
    }

    /** max |a - b| / max |b|. */
    static double relativeError(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        double diff = 0;
        double scale = 0;
        for (int i = 0; i < actual.length; i++) {
            diff = Math.max(diff, Math.abs((double) actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return diff / Math.max(scale, 1e-12);
    }

    private static float[] onnxRuntime(PyTorchFixture f) throws Exception {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(f.onnx(), new OrtSession.SessionOptions());
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(f.input()), f.inputShape());
                OrtSession.Result r = session.run(java.util.Map.of(session.getInputNames().iterator().next(), x),
                        java.util.Set.of(f.output() == null ? session.getOutputNames().iterator().next() : f.output()))) {
            float[][] logits = (float[][]) r.get(0).getValue();
            float[] flat = new float[logits.length * logits[0].length];
            for (int i = 0; i < logits.length; i++) {
                System.arraycopy(logits[i], 0, flat, i * logits[0].length, logits[0].length);
            }
            return flat;
        }
    }
}
