package dev.defensebench.onnx.interp;

import static dev.defensebench.onnx.interp.OnnxGraphBlockPyTorchTest.relativeError;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.onnx.graph.Model;
import dev.defensebench.onnx.graph.OnnxCodec;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The trainable interpreter against PyTorch's train mode on the fixture {@code wide_resnet_bn} (a pre-activation
 * WideResNet exported with its five BatchNorms kept): inference logits equal the file's, a training-mode forward
 * gives PyTorch's train-mode logits, the gradient of the summed cross-entropy for every trained initializer and
 * the running statistics after the pass; and the weights written back into the graph run in ONNX Runtime to the
 * interpreter's logits.
 */
class OnnxGraphBlockTrainingTest {

    private NDManager manager;
    private PyTorchFixture fixture;
    private JsonNode reference;

    @BeforeEach
    void setUp() throws Exception {
        manager = NDManager.newBaseManager();
        fixture = PyTorchFixture.named("wide_resnet_bn");
        try (InputStream in = getClass().getResourceAsStream("/fixtures/wide_resnet_bn.train.json")) {
            reference = new ObjectMapper().readTree(in);
        }
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private OnnxGraphBlock initialised() {
        OnnxGraphBlock block = OnnxGraphBlock.trainable(fixture.model(), UnaryOperator.identity());
        long[] one = fixture.inputShape().clone();
        one[0] = 1;
        block.initialize(manager, DataType.FLOAT32, new Shape(one));
        return block;
    }

    @Test
    void theLayerWeightsAreParametersAndTheRestStaysFrozen() {
        OnnxGraphBlock block = initialised();
        Map<String, Parameter.Type> types = new java.util.TreeMap<>();
        block.getParameters().forEach(p -> types.put(p.getKey(), p.getValue().getType()));
        List<String> expected = new ArrayList<>();
        reference.get("grads").fieldNames().forEachRemaining(expected::add);
        reference.get("running").fieldNames().forEachRemaining(expected::add);
        assertThat(types.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(types).containsEntry("bn.running_mean", Parameter.Type.RUNNING_MEAN).containsEntry("fc.weight",
                Parameter.Type.WEIGHT).containsEntry("fc.bias", Parameter.Type.BIAS).containsEntry("bn.weight", Parameter.Type.GAMMA);
        assertThat(block.getParameters().get("bn.running_var").requiresGradient()).isFalse();
    }

    @Test
    void normalisationScalesAndBiasesAreTrainedLikeBatchNorms() {
        var convnext = PyTorchFixture.named("convnext_opset17").model().graph();
        Map<String, Parameter.Type> weights = TrainableWeights.of(convnext);
        List<dev.defensebench.onnx.graph.Node> norms = convnext.nodes().stream()
                .filter(n -> n.opType().equals("LayerNormalization")).toList();
        assertThat(norms).hasSize(4);
        // torch.onnx stores equal initializers once (LayerNorm's initial ones and zeros), the others as Identity nodes
        Map<String, String> identity = new java.util.HashMap<>();
        convnext.nodes().stream().filter(n -> n.opType().equals("Identity"))
                .forEach(n -> identity.put(n.outputs().get(0), n.inputs().get(0)));
        for (var n : norms) {
            assertThat(weights).as(n.describe())
                    .containsEntry(identity.getOrDefault(n.inputs().get(1), n.inputs().get(1)), Parameter.Type.GAMMA)
                    .containsEntry(identity.getOrDefault(n.inputs().get(2), n.inputs().get(2)), Parameter.Type.BETA);
        }
        var group = PyTorchFixture.named("gelu_opset20").model().graph();
        assertThat(TrainableWeights.of(group)).containsEntry("gscale", Parameter.Type.GAMMA)
                .containsEntry("gbias", Parameter.Type.BETA).doesNotContainKey("two");
    }

    @Test
    void inferenceMatchesTheFile() {
        OnnxGraphBlock block = initialised();
        NDArray x = manager.create(fixture.input(), new Shape(fixture.inputShape()));
        float[] logits = block.forward(new ParameterStore(), new NDList(x), false).singletonOrThrow().toFloatArray();
        assertThat(relativeError(logits, fixture.logits())).isLessThanOrEqualTo(1e-4);
    }

    @Test
    void aTrainingPassMatchesPyTorchsTrainMode() {
        OnnxGraphBlock block = initialised();
        List<String> names = new ArrayList<>();
        List<NDArray> weights = new ArrayList<>();
        block.getParameters().forEach(p -> {
            if (p.getValue().requiresGradient()) {
                names.add(p.getKey());
                weights.add(p.getValue().getArray());
            }
        });
        NDArray x = manager.create(fixture.input(), new Shape(fixture.inputShape()));
        NDArray oneHot = manager.create(fixture.labels()).oneHot(fixture.classes());
        Object[] out = Autograd.recording(() -> {
            NDArray logits = block.forward(new ParameterStore(), new NDList(x), true).singletonOrThrow();
            NDArray loss = logits.logSoftmax(1).mul(oneHot).sum().neg();
            return new Object[] {logits.toFloatArray(), Autograd.gradients(loss, weights, false)};
        });
        assertThat(relativeError((float[]) out[0], floats(reference.get("logits")))).as("train-mode logits")
                .isLessThanOrEqualTo(1e-4);
        NDList grads = (NDList) out[1];
        for (int i = 0; i < names.size(); i++) {
            assertThat(relativeError(grads.get(i).toFloatArray(), floats(reference.get("grads").get(names.get(i)))))
                    .as("gradient of %s", names.get(i)).isLessThanOrEqualTo(1e-3);
        }
        reference.get("running").fields().forEachRemaining(e -> assertThat(relativeError(
                block.getParameters().get(e.getKey()).getArray().toFloatArray(), floats(e.getValue())))
                .as("running statistic %s after the pass", e.getKey()).isLessThanOrEqualTo(1e-5));
    }

    @Test
    void changedWeightsWrittenBackRunInOnnxRuntimeAsInTheInterpreter() throws Exception {
        OnnxGraphBlock block = initialised();
        Autograd.notRecording(() -> {
            block.getParameters().forEach(p -> p.getValue().getArray().muli(1.1f));
            return null;
        });
        NDArray x = manager.create(fixture.input(), new Shape(fixture.inputShape()));
        float[] djl = block.forward(new ParameterStore(), new NDList(x), false).singletonOrThrow().toFloatArray();
        assertThat(relativeError(djl, fixture.logits())).as("the changed weights change the logits").isGreaterThan(1e-3);
        Model retrained = block.withCurrentWeights(Map.of("defense_bench.note", "scaled"));
        assertThat(retrained.metadata()).containsEntry("defense_bench.note", "scaled");
        byte[] bytes = OnnxCodec.encode(retrained);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession session = env.createSession(bytes, new OrtSession.SessionOptions());
                OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(fixture.input()), fixture.inputShape());
                OrtSession.Result r = session.run(Map.of("input", input))) {
            float[][] logits = (float[][]) r.get(0).getValue();
            float[] flat = new float[logits.length * logits[0].length];
            for (int i = 0; i < logits.length; i++) {
                System.arraycopy(logits[i], 0, flat, i * logits[0].length, logits[0].length);
            }
            assertThat(relativeError(flat, djl)).isLessThanOrEqualTo(1e-4);
        }
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }
}
