package dev.defensebench.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.onnx.graph.ClassifierOutput;
import dev.defensebench.onnx.graph.Graph;
import dev.defensebench.onnx.graph.Model;
import dev.defensebench.onnx.graph.OnnxCodec;
import dev.defensebench.onnx.graph.OpsetId;
import dev.defensebench.onnx.graph.Tensor;
import dev.defensebench.onnx.interp.OnnxGraphBlock;
import dev.defensebench.onnx.interp.PyTorchFixtures;
import dev.defensebench.spi.InputBox;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 24's load-time rules: the classifier output of a graph with several outputs (named or the only [batch,
 * classes] one), files below operator set 7 refused with the reason, and non-finite weights refused naming the tensor
 * and the file.
 */
class ImportChecksTest {

    private static final Shape MNIST = new Shape(1, 28, 28);
    private static final InputBox BOX = InputBox.uniform(0f, 1f, MNIST);
    private static final OnnxRuntimeSettings RUNTIME = new OnnxRuntimeSettings(1, "cpu", 4);

    @TempDir
    Path temp;

    private NDManager manager;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path file = temp.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    @Test
    void theClassifierOfTwoOutputsIsTheOneWithTheClassCountOrTheNamedOne() throws Exception {
        Path file = write("two.onnx", PyTorchFixtures.onnx("two_outputs"));
        Graph g = OnnxCodec.decode(Files.readAllBytes(file)).graph();
        assertThat(g.outputs()).hasSize(2);
        assertThat(ClassifierOutput.choose(g, null, 10)).isEqualTo("logits");
        assertThatThrownBy(() -> ClassifierOutput.choose(g, null, 0)).hasMessageContaining("features")
                .hasMessageContaining("logits").hasMessageContaining("'output' key");
        assertThatThrownBy(() -> ClassifierOutput.choose(g, "probs", 10)).hasMessageContaining("no output 'probs'")
                .hasMessageContaining("[features, logits]");
        assertThatThrownBy(() -> OnnxImporter.inspect(file, Long.MAX_VALUE, MNIST, 10, "features"))
                .isInstanceOf(OnnxImportException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("output 'features'");
        float[] expected = floats(PyTorchFixtures.file("two_outputs.logits.bin"));
        float[] input = floats(PyTorchFixtures.file("two_outputs.input.bin"));
        for (boolean white : new boolean[] {true, false}) {
            for (String output : new String[] {null, "logits"}) {
                try (ImportedModel m = OnnxImporter.load(new ImportRequest(file, 10, BOX, Long.MAX_VALUE, white, RUNTIME, output),
                        manager)) {
                    assertThat(m.whiteBox()).as("white box " + white + ": " + m.whyNotDjl()).isEqualTo(white);
                    NDArray x = manager.create(input, new Shape(4, 1, 28, 28));
                    float[] logits = Autograd.notRecording(() -> m.classifier().logits(x)).toFloatArray();
                    for (int i = 0; i < expected.length; i++) {
                        assertThat(logits[i]).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4f));
                    }
                }
            }
        }
    }

    @Test
    void aGraphWithTwoOutputsKeepsOnlyTheNodesItsClassifierNeeds() {
        Model m = OnnxCodec.decode(PyTorchFixtures.onnx("two_outputs"));
        Model only = ClassifierOutput.select(m, "features");
        assertThat(only.graph().outputs()).extracting(v -> v.name()).containsExactly("features");
        assertThat(only.graph().nodes()).extracting(n -> n.opType()).doesNotContain("Gemm");
        assertThat(only.graph().initializers()).hasSizeLessThan(m.graph().initializers().size());
    }

    @Test
    void operatorSetsBelowSevenAreRefusedWithTheReason() throws Exception {
        Model m = OnnxCodec.decode(PyTorchFixtures.onnx("mlp_view"));
        Model old = new Model(3, List.of(new OpsetId("", 6)), m.producerName(), m.producerVersion(), m.graph(), m.metadata());
        Path file = write("opset6.onnx", OnnxCodec.encode(old));
        assertThatThrownBy(() -> OnnxImporter.inspect(file, Long.MAX_VALUE, MNIST, 10))
                .isInstanceOf(OnnxImportException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("operator set 6").hasMessageContaining("PRelu").hasMessageContaining("opset 7 or later");
        assertThatThrownBy(() -> OnnxGraphBlock.build(old, manager, DataType.FLOAT32)).hasMessageContaining("operator set 6");
    }

    @Test
    void aNonFiniteInitializerIsRefusedNamingTheTensorAndTheFile() throws Exception {
        Model m = OnnxCodec.decode(PyTorchFixtures.onnx("resnet"));
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY}) {
            List<Tensor> inits = new ArrayList<>(m.graph().initializers());
            int at = -1;
            for (int i = 0; i < inits.size() && at < 0; i++) {
                if (inits.get(i).floats() != null && inits.get(i).floats().length > 3) {
                    at = i;
                }
            }
            Tensor t = inits.get(at);
            float[] v = t.floats().clone();
            v[3] = bad;
            inits.set(at, new Tensor(t.name(), t.dataType(), t.dims(), v, null, t.raw()));
            Graph g = m.graph();
            Model broken = new Model(m.irVersion(), m.opsets(), m.producerName(), m.producerVersion(),
                    new Graph(g.name(), g.nodes(), inits, g.inputs(), g.outputs()), m.metadata());
            Path file = write("nan.onnx", OnnxCodec.encode(broken));
            assertThatThrownBy(() -> OnnxImporter.inspect(file, Long.MAX_VALUE, MNIST, 10))
                    .isInstanceOf(OnnxImportException.class).hasMessageContaining(file.toString())
                    .hasMessageContaining("initializer '" + t.name() + "'").hasMessageContaining("non-finite")
                    .hasMessageContaining("flat index 3");
        }
        // the untouched file passes the same check
        Path ok = write("ok.onnx", PyTorchFixtures.onnx("resnet"));
        assertThat(OnnxImporter.inspect(ok, Long.MAX_VALUE, MNIST, 10).model().graph().initializers()).isNotEmpty();
    }

    private static float[] floats(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }
}
