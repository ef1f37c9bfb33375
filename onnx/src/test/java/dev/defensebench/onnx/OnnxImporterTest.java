package dev.defensebench.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.onnx.graph.Model;
import dev.defensebench.onnx.graph.OnnxCodec;
import dev.defensebench.spi.InputBox;
import dev.defensebench.testing.TinyNets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every refusal of the importer, and a fixture model in another tool's layout (Gemm, Flatten, raw_data). */
class OnnxImporterTest {

    private static final Shape SAMPLE = new Shape(1, 8, 8);
    private static final InputBox BOX = InputBox.uniform(0f, 1f, SAMPLE);
    private static final OnnxRuntimeSettings RUNTIME = new OnnxRuntimeSettings(1, "cpu", 7);

    @TempDir
    Path temp;

    private NDManager manager;
    private byte[] exported;

    @BeforeEach
    void setUp() {
        manager = NDManager.newBaseManager();
        Engine.getInstance().setRandomSeed(5);
        Block mlp = TinyNets.mlp(10);
        mlp.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(SAMPLE));
        exported = OnnxCodec.encode(OnnxExporter.export(mlp, SAMPLE, 10, "test", Map.of()));
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

    private ImportedModel load(Path file, int classes, InputBox box, long maxBytes) {
        return OnnxImporter.load(new ImportRequest(file, classes, box, maxBytes, true, RUNTIME), manager);
    }

    private ImportedModel load(Path file) {
        return load(file, 10, BOX, ImportRequest.DEFAULT_MAX_BYTES);
    }

    @Test
    void theUntouchedExportImports() throws Exception {
        try (ImportedModel m = load(write("ok.onnx", exported))) {
            assertThat(m.path()).isEqualTo(ImportedModel.DJL);
            assertThat(m.bytes()).isEqualTo(exported.length);
        }
    }

    @Test
    void refusesTruncatedFiles() throws Exception {
        for (int length : new int[] {exported.length / 2, exported.length - 1, 3}) {
            Path file = write("truncated.onnx", Arrays.copyOf(exported, length));
            assertThatThrownBy(() -> load(file)).as("first %d bytes", length).isInstanceOf(OnnxImportException.class)
                    .hasMessageContaining(file.toString()).hasMessageContaining("not a valid ONNX model");
        }
    }

    @Test
    void refusesCorruptedFiles() throws Exception {
        byte[] corrupt = exported.clone();
        Arrays.fill(corrupt, 0, 24, (byte) 0xFF); // the header and the start of the graph become garbage
        Path file = write("corrupt.onnx", corrupt);
        assertThatThrownBy(() -> load(file)).isInstanceOf(OnnxImportException.class).hasMessageContaining("not a valid ONNX model");
        Random random = new Random(1);
        for (int trial = 0; trial < 20; trial++) {
            byte[] flipped = exported.clone();
            for (int k = 0; k < 8; k++) {
                flipped[random.nextInt(Math.min(flipped.length, 2000))] ^= (byte) (1 + random.nextInt(255));
            }
            Path f = write("flipped" + trial + ".onnx", flipped);
            try (ImportedModel m = load(f)) {
                // a flip inside weight values leaves a valid model: then it must still run and have the right shape
                assertThat(m.classifier().numClasses()).isEqualTo(10);
            } catch (OnnxImportException expected) {
                assertThat(expected).hasMessageContaining(f.toString());
            }
        }
    }

    @Test
    void refusesFilesThatAreNotOnnx() throws Exception {
        Path text = write("notes.onnx", "name: quickstart\nmodels: []\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> load(text)).isInstanceOf(OnnxImportException.class).hasMessageContaining("not a valid ONNX model");
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        Path image = write("image.onnx", png);
        assertThatThrownBy(() -> load(image)).isInstanceOf(OnnxImportException.class).hasMessageContaining("not a valid ONNX model");
        Path empty = write("empty.onnx", new byte[0]);
        assertThatThrownBy(() -> load(empty)).isInstanceOf(OnnxImportException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> load(temp.resolve("missing.onnx"))).isInstanceOf(OnnxImportException.class)
                .hasMessageContaining("no such ONNX file");
    }

    @Test
    void refusesFilesOverTheSizeLimit() throws Exception {
        Path file = write("big.onnx", exported);
        assertThatThrownBy(() -> load(file, 10, BOX, exported.length - 1)).isInstanceOf(OnnxImportException.class)
                .hasMessageContaining("over the import size limit of " + (exported.length - 1) + " bytes");
        load(file, 10, BOX, exported.length).close();
    }

    @Test
    void refusesAWrongInputShapeOrClassCount() throws Exception {
        Path file = write("mlp.onnx", exported);
        InputBox cifar = InputBox.uniform(0f, 1f, new Shape(3, 8, 8));
        assertThatThrownBy(() -> load(file, 10, cifar, ImportRequest.DEFAULT_MAX_BYTES)).isInstanceOf(OnnxImportException.class)
                .hasMessageContaining("has shape [batch, 1, 8, 8] but the data set's images need [batch, 3, 8, 8]");
        assertThatThrownBy(() -> load(file, 7, BOX, ImportRequest.DEFAULT_MAX_BYTES)).isInstanceOf(OnnxImportException.class)
                .hasMessageContaining("has shape [batch, 10] but the data set has 7 classes");
    }

    @Test
    void refusesNonStandardOperatorsAndModelsOnnxRuntimeRejects() throws Exception {
        FixtureModels.Weights w = FixtureModels.Weights.random(64, 10, 3);
        Path custom = write("custom.onnx", OnnxCodec.encode(FixtureModels.mlp(w, SAMPLE.getShape(), "FusedGelu", "com.microsoft")));
        assertThatThrownBy(() -> load(custom)).isInstanceOf(OnnxImportException.class)
                .hasMessageContaining("uses the operator domain 'com.microsoft'; only standard ONNX operators are imported");
        Path unknown = write("unknown.onnx", OnnxCodec.encode(FixtureModels.mlp(w, SAMPLE.getShape(), "NoSuchOperator", "")));
        assertThatThrownBy(() -> load(unknown)).isInstanceOf(OnnxImportException.class)
                .hasMessageContaining("ONNX Runtime refused the model");
    }

    @Test
    void importsAFixtureWrittenInAnotherLayoutAndScoresIt() throws Exception {
        FixtureModels.Weights w = FixtureModels.Weights.random(64, 10, 3);
        Model fixture = FixtureModels.mlp(w, SAMPLE.getShape(), "Relu", "");
        Path file = write("fixture.onnx", OnnxCodec.encode(fixture));
        float[] xs = new float[25 * 64];
        Random random = new Random(9);
        for (int i = 0; i < xs.length; i++) {
            xs[i] = random.nextFloat();
        }
        NDArray x = manager.create(xs, new Shape(25).addAll(SAMPLE));
        double[] expected = new double[25 * 10];
        for (int s = 0; s < 25; s++) {
            System.arraycopy(w.logits(Arrays.copyOfRange(xs, s * 64, (s + 1) * 64)), 0, expected, s * 10, 10);
        }
        try (ImportedModel djl = load(file)) {
            assertThat(djl.path()).as(String.valueOf(djl.whyNotDjl())).isEqualTo(ImportedModel.DJL);
            assertThat(djl.model().metadata()).containsEntry("author", "test");
            assertClose(Autograd.notRecording(() -> djl.classifier().logits(x)).toFloatArray(), expected);
            assertThat(djl.classifier().inputGradient(x, z -> z.sum()).getShape()).isEqualTo(x.getShape());
        }
        try (ImportedModel runtime = OnnxImporter.load(new ImportRequest(file, 10, BOX, ImportRequest.DEFAULT_MAX_BYTES, false,
                RUNTIME), manager)) {
            assertThat(runtime.path()).isEqualTo(ImportedModel.ONNX_RUNTIME);
            assertClose(runtime.classifier().logits(x).toFloatArray(), expected);
            assertThatThrownBy(() -> runtime.classifier().inputGradient(x, z -> z.sum()))
                    .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("black box");
        }
        // a standard operator outside the interpreter's set: scored through ONNX Runtime, operator and node named
        String op = dev.defensebench.onnx.interp.UnsupportedFixture.OPERATOR;
        Path unknown = write("unknown.onnx", OnnxCodec.encode(FixtureModels.mlp(w, SAMPLE.getShape(), op, "")));
        try (ImportedModel m = load(unknown)) {
            assertThat(m.path()).isEqualTo(ImportedModel.ONNX_RUNTIME);
            assertThat(m.whyNotDjl()).contains("operator " + op);
            assertThat(m.blockingNode().opType()).isEqualTo(op);
            assertThat(m.classifier().predict(x).getShape()).isEqualTo(new Shape(25));
        }
    }

    @Test
    void pyTorchExportsWithViewNormalisationOrChannelsLastRunWhiteBoxAndLayerNormFallsBackNamingTheNode() throws Exception {
        Shape mnist = new Shape(1, 28, 28);
        InputBox box = InputBox.uniform(0f, 1f, mnist);
        for (String name : new String[] {"mlp_view", "resnet", "nhwc"}) {
            Path file = write(name + ".onnx", dev.defensebench.onnx.interp.PyTorchFixtures.onnx(name));
            try (ImportedModel m = OnnxImporter.load(new ImportRequest(file, 10, box, ImportRequest.DEFAULT_MAX_BYTES, true, RUNTIME), manager)) {
                assertThat(m.whiteBox()).as(name + ": " + m.whyNotDjl()).isTrue();
                assertThat(m.maxDifference()).isLessThan(OnnxImporter.REBUILD_TOLERANCE);
                // the same file through ONNX Runtime alone gives the interpreter's logits
                NDArray x = manager.randomUniform(0, 1, new Shape(3, 1, 28, 28));
                try (ImportedModel ort = OnnxImporter.load(new ImportRequest(file, 10, box, ImportRequest.DEFAULT_MAX_BYTES, false,
                        RUNTIME), manager)) {
                    float[] expected = ort.classifier().logits(x).toFloatArray();
                    float[] actual = Autograd.notRecording(() -> m.classifier().logits(x)).toFloatArray();
                    for (int i = 0; i < expected.length; i++) {
                        assertThat(actual[i]).as(name + " logit " + i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4f));
                    }
                }
            }
        }
        Path norm = write("hardmax.onnx", dev.defensebench.onnx.interp.UnsupportedFixture.onnx("layernorm_opset17"));
        String op = dev.defensebench.onnx.interp.UnsupportedFixture.OPERATOR;
        try (ImportedModel m = OnnxImporter.load(new ImportRequest(norm, 10, box, ImportRequest.DEFAULT_MAX_BYTES, true, RUNTIME), manager)) {
            assertThat(m.whiteBox()).isFalse();
            assertThat(m.blockingNode().opType()).isEqualTo(op);
            assertThat(m.whyNotDjl()).contains("operator " + op).contains(m.blockingNode().name());
        }
    }

    private static void assertClose(float[] actual, double[] expected) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < actual.length; i++) {
            assertThat((double) actual[i]).as("logit %d", i).isCloseTo(expected[i], org.assertj.core.data.Offset.offset(1e-4));
        }
    }
}
