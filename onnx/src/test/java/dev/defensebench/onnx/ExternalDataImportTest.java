package dev.defensebench.onnx;

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
import dev.defensebench.onnx.graph.Model;
import dev.defensebench.onnx.graph.Tensor;
import dev.defensebench.onnx.interp.OnnxGraphBlock;
import dev.defensebench.onnx.interp.PyTorchFixtures;
import dev.defensebench.spi.InputBox;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * make_fixtures.py's resnet saved by onnx.save_model with every tensor in one external data file
 * (external/resnet_external.onnx and .onnx.data): it decodes to the self-contained file's weights, gives the same
 * logits and input gradients bit for bit, passes ONNX Runtime's load check and imports white-box; its identity covers
 * the data file; a missing or short data file is refused naming the model and the tensor.
 */
class ExternalDataImportTest {

    private static final Shape SAMPLE = new Shape(1, 28, 28);
    private static final String MODEL = "resnet_external.onnx";
    private static final String DATA = "resnet_external.onnx.data";

    @TempDir
    Path temp;

    private NDManager manager;
    private Path external;
    private Path selfContained;

    @BeforeEach
    void setUp() throws Exception {
        manager = NDManager.newBaseManager();
        external = temp.resolve(MODEL);
        Files.write(external, PyTorchFixtures.file("external/" + MODEL));
        Files.write(temp.resolve(DATA), PyTorchFixtures.file("external/" + DATA));
        selfContained = Files.write(temp.resolve("resnet.onnx"), PyTorchFixtures.onnx("resnet"));
    }

    @AfterEach
    void tearDown() {
        manager.close();
    }

    private static float[] floats(String file) {
        FloatBuffer b = ByteBuffer.wrap(PyTorchFixtures.file(file)).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] f = new float[b.remaining()];
        b.get(f);
        return f;
    }

    /** Logits and the input gradient of the summed cross-entropy (labels i % 10), float32, on resnet's fixture input. */
    private float[][] logitsAndGradient(Model model) {
        float[] input = floats("resnet.input.bin");
        try (NDManager scope = manager.newSubManager()) {
            OnnxGraphBlock block = OnnxGraphBlock.build(model, scope, DataType.FLOAT32);
            int n = input.length / (int) SAMPLE.size();
            NDArray in = scope.create(input, new Shape(n).addAll(SAMPLE));
            NDArray[] out = Autograd.recording(() -> {
                NDArray x = Autograd.leaf(in);
                NDArray logits = block.forward(new ParameterStore(), new NDList(x), false).singletonOrThrow();
                NDArray oneHot = scope.create(new int[] {0, 1, 2, 3}).oneHot(10);
                return new NDArray[] {logits, Autograd.gradient(logits.logSoftmax(1).mul(oneHot).sum().neg(), x, false)};
            });
            return new float[][] {out[0].toFloatArray(), out[1].toFloatArray()};
        }
    }

    @Test
    void decodesToTheSelfContainedFilesWeightsAndComputesTheSameLogitsAndGradients() {
        OnnxFileReader.Read ext = OnnxFileReader.read(external, ImportRequest.DEFAULT_MAX_BYTES);
        OnnxFileReader.Read own = OnnxFileReader.read(selfContained, ImportRequest.DEFAULT_MAX_BYTES);
        assertThat(ext.externalFiles()).containsOnlyKeys(DATA);
        assertThat(own.externalFiles()).isEmpty();
        assertThat(ext.model().graph().initializers()).hasSameSizeAs(own.model().graph().initializers()).isNotEmpty();
        for (Tensor t : own.model().graph().initializers()) {
            Tensor e = ext.model().graph().initializer(t.name());
            assertThat(e.dims()).as(t.name()).containsExactly(t.dims());
            assertThat(e.floats()).as(t.name()).isEqualTo(t.floats());
            assertThat(e.longs()).as(t.name()).isEqualTo(t.longs());
        }
        float[][] fromExternal = logitsAndGradient(ext.model());
        float[][] fromOwn = logitsAndGradient(own.model());
        assertThat(fromExternal[0]).containsExactly(fromOwn[0]);
        assertThat(fromExternal[1]).containsExactly(fromOwn[1]);
        // and both are PyTorch's (the fixture's references), so the comparison is not between two wrong answers
        float[] torch = floats("resnet.logits.bin");
        for (int i = 0; i < torch.length; i++) {
            assertThat((double) fromExternal[0][i]).isCloseTo(torch[i], org.assertj.core.data.Offset.offset(1e-4 * Math.max(1, Math.abs(torch[i]))));
        }
    }

    @Test
    void passesOnnxRuntimesLoadCheckAndImportsWhiteBox() throws Exception {
        OnnxFile file = OnnxImporter.inspect(external, ImportRequest.DEFAULT_MAX_BYTES, SAMPLE, 10);
        assertThat(file.externalFiles()).containsOnlyKeys(DATA);
        OnnxRuntimeCheck.check(file);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        float[] input = floats("resnet.input.bin");
        float[] fromPath;
        float[] fromBytes;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession a = file.session(env, options);
                OrtSession b = env.createSession(PyTorchFixtures.onnx("resnet"), options);
                OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), new long[] {4, 1, 28, 28});
                OrtSession.Result ra = a.run(Map.of("input", x));
                OrtSession.Result rb = b.run(Map.of("input", x))) {
            fromPath = flat((float[][]) ra.get(0).getValue());
            fromBytes = flat((float[][]) rb.get(0).getValue());
        }
        assertThat(fromPath).containsExactly(fromBytes);
        ImportRequest request = new ImportRequest(external, 10, InputBox.uniform(0f, 1f, SAMPLE), ImportRequest.DEFAULT_MAX_BYTES,
                true, new OnnxRuntimeSettings(1, "cpu", 8));
        try (ImportedModel m = OnnxImporter.load(request, manager)) {
            assertThat(m.path()).isEqualTo(ImportedModel.DJL);
            assertThat(m.maxDifference()).isLessThanOrEqualTo(OnnxImporter.REBUILD_TOLERANCE);
            assertThat(m.sha256()).isEqualTo(file.sha256());
        }
    }

    private static float[] flat(float[][] rows) {
        float[] out = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * rows[i].length, rows[i].length);
        }
        return out;
    }

    @Test
    void theIdentityCoversTheExternalDataFile() throws Exception {
        String own = OnnxFileReader.read(selfContained, ImportRequest.DEFAULT_MAX_BYTES).sha256();
        assertThat(own).isEqualTo(OnnxImporter.sha256(Files.readAllBytes(selfContained))); // self-contained: unchanged
        String before = OnnxImporter.inspect(external, ImportRequest.DEFAULT_MAX_BYTES, SAMPLE, 10).sha256();
        assertThat(before).isNotEqualTo(OnnxImporter.sha256(Files.readAllBytes(external)));
        Path data = temp.resolve(DATA);
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length - 3] ^= 1; // the low mantissa bits of a weight: still a valid, finite model
        Files.write(data, bytes);
        String after = OnnxImporter.inspect(external, ImportRequest.DEFAULT_MAX_BYTES, SAMPLE, 10).sha256();
        assertThat(after).isNotEqualTo(before);
        bytes[bytes.length - 3] ^= 1;
        Files.write(data, bytes);
        assertThat(OnnxImporter.inspect(external, ImportRequest.DEFAULT_MAX_BYTES, SAMPLE, 10).sha256()).isEqualTo(before);
    }

    @Test
    void refusesAMissingOrShortDataFileAndDataOverTheSizeLimit() throws Exception {
        Path data = temp.resolve(DATA);
        byte[] bytes = Files.readAllBytes(data);
        Files.write(data, java.util.Arrays.copyOf(bytes, bytes.length - 4));
        assertThatThrownBy(() -> OnnxImporter.inspect(external, ImportRequest.DEFAULT_MAX_BYTES, SAMPLE, 10))
                .isInstanceOf(OnnxImportException.class).hasMessageStartingWith(external + ": tensor '")
                .hasMessageContaining("'" + DATA + "' is " + (bytes.length - 4) + " bytes, too short");
        long modelSize = Files.size(external);
        Files.write(data, bytes);
        assertThatThrownBy(() -> OnnxImporter.inspect(external, modelSize + bytes.length - 1, SAMPLE, 10))
                .isInstanceOf(OnnxImportException.class).hasMessageContaining("over the import size limit");
        assertThat(OnnxImporter.inspect(external, modelSize + bytes.length, SAMPLE, 10).externalFiles()).containsOnlyKeys(DATA);
        Files.delete(data);
        assertThatThrownBy(() -> OnnxImporter.inspect(external, ImportRequest.DEFAULT_MAX_BYTES, SAMPLE, 10))
                .isInstanceOf(OnnxImportException.class).hasMessageContaining(external.toString())
                .hasMessageContaining("tensor '").hasMessageContaining("'" + DATA + "' is missing");
    }
}
