package dev.defensebench.onnx.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.defensebench.onnx.proto.GraphProto;
import dev.defensebench.onnx.proto.ModelProto;
import dev.defensebench.onnx.proto.OperatorSetIdProto;
import dev.defensebench.onnx.proto.ProtoFormatException;
import dev.defensebench.onnx.proto.StringStringEntryProto;
import dev.defensebench.onnx.proto.TensorProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * External tensor data read from beside the model file: offsets and lengths into one or several files, a length
 * defaulting to the rest of the file, and every refusal named with the tensor and the file.
 */
class ExternalDataTest {

    private static final float[] W = {1.5f, -2f, 3.25f, 0f, -0.125f, 7f};

    @TempDir
    Path temp;

    private Path dir;
    private Path model;

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createDirectories(temp.resolve("model"));
        model = dir.resolve("m.onnx");
    }

    /** W as little-endian float32, behind {@code before} bytes of 0x55 and followed by {@code after} more. */
    private static byte[] data(int before, int after) {
        ByteBuffer b = ByteBuffer.allocate(before + 4 * W.length + after).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < before; i++) {
            b.put((byte) 0x55);
        }
        for (float f : W) {
            b.putFloat(f);
        }
        return b.array();
    }

    private static TensorProto.Builder external(String name, int type, long[] dims, Map<String, String> keys) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL);
        for (long d : dims) {
            t.addDims(d);
        }
        keys.forEach((k, v) -> t.addExternalData(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return t;
    }

    private static Map<String, String> keys(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static byte[] modelBytes(TensorProto.Builder... tensors) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g");
        for (TensorProto.Builder t : tensors) {
            g.addInitializer(t);
        }
        return ModelProto.newBuilder().setIrVersion(7).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(g).build().toByteArray();
    }

    private Model decode(TensorProto.Builder... tensors) {
        return OnnxCodec.decode(modelBytes(tensors), ExternalData.beside(model, Long.MAX_VALUE));
    }

    private AbstractThrowableAssert<?, ? extends Throwable> refusal(Map<String, String> keys) {
        return assertThatThrownBy(() -> decode(external("w", Tensor.FLOAT, new long[] {2, 3}, keys)))
                .isInstanceOf(ExternalDataException.class).hasMessageContaining("tensor 'w'")
                .hasMessageContaining(model.toString());
    }

    @Test
    void readsTensorsAtTheirOffsetsFromFilesBesideTheModel() throws IOException {
        Files.createDirectories(dir.resolve("sub"));
        Files.write(dir.resolve("sub/w.bin"), data(8, 5));
        ByteBuffer ints = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).putLong(2).putLong(1L << 40);
        Files.write(dir.resolve("shape.bin"), ints.array());
        ExternalData external = ExternalData.beside(model, Long.MAX_VALUE);
        Model m = OnnxCodec.decode(modelBytes(
                external("w", Tensor.FLOAT, new long[] {2, 3}, keys("location", "sub/w.bin", "offset", "8", "length", "24",
                        "checksum", "not verified")),
                external("w_again", Tensor.FLOAT, new long[] {6}, keys("location", "./sub//w.bin", "offset", "8", "length", "24")),
                external("shape", Tensor.INT64, new long[] {3}, keys("location", "shape.bin"))), external);
        assertThat(m.graph().initializer("w").floats()).containsExactly(W);
        assertThat(m.graph().initializer("w").dims()).containsExactly(2, 3);
        assertThat(m.graph().initializer("w").raw()).isTrue();
        assertThat(m.graph().initializer("w_again").floats()).containsExactly(W);
        assertThat(m.graph().initializer("shape").longs()).containsExactly(-1, 2, 1L << 40);
        assertThat(external.files()).containsExactly(Map.entry("shape.bin", dir.resolve("shape.bin")),
                Map.entry("sub/w.bin", dir.resolve("sub/w.bin")));
    }

    @Test
    void refusesLocationsOutsideTheModelsDirectory() throws IOException {
        Files.write(temp.resolve("w.bin"), data(0, 0));
        refusal(keys("location", temp.resolve("w.bin").toAbsolutePath().toString())).hasMessageContaining("is an absolute path");
        refusal(keys("location", "../w.bin")).hasMessageContaining("outside the model's directory ('..')");
        refusal(keys("location", "sub/../../w.bin")).hasMessageContaining("outside the model's directory ('..')");
        Files.createSymbolicLink(dir.resolve("link.bin"), temp.resolve("w.bin"));
        refusal(keys("location", "link.bin")).hasMessageContaining("leads out of the model's directory");
        refusal(keys("offset", "0")).hasMessageContaining("names none (no 'location' in its external_data)");
        refusal(keys("location", "w\u0000.bin")).hasMessageContaining("is not a valid path");
    }

    @Test
    void refusesMissingShortAndMismatchedData() throws IOException {
        Files.write(dir.resolve("w.bin"), data(4, 0));
        refusal(keys("location", "gone.bin")).hasMessageContaining("'gone.bin' is missing");
        refusal(keys("location", "w.bin", "offset", "8", "length", "24")).hasMessageContaining("is 28 bytes, too short for offset 8");
        refusal(keys("location", "w.bin", "offset", "40")).hasMessageContaining("too short for offset 40");
        refusal(keys("location", "w.bin")).hasMessageContaining("holds 28 bytes for the tensor, but its dimensions and type need 24");
        refusal(keys("location", "w.bin", "offset", "4", "length", "20")).hasMessageContaining("holds 20 bytes");
        refusal(keys("location", "w.bin", "offset", "-4", "length", "24")).hasMessageContaining("offset '-4'; expected a non-negative");
        refusal(keys("location", "w.bin", "offset", "4", "length", "lots")).hasMessageContaining("length 'lots'");
        Files.createDirectories(dir.resolve("folder"));
        refusal(keys("location", "folder")).hasMessageContaining("is not a regular file");
    }

    @Test
    void chargesTheFilesToTheSizeLimitBeforeReadingThem() throws IOException {
        Files.write(dir.resolve("w.bin"), data(0, 0));
        TensorProto.Builder w = external("w", Tensor.FLOAT, new long[] {2, 3}, keys("location", "w.bin"));
        assertThat(OnnxCodec.decode(modelBytes(w), ExternalData.beside(model, 24)).graph().initializer("w").floats())
                .containsExactly(W);
        assertThatThrownBy(() -> OnnxCodec.decode(modelBytes(w), ExternalData.beside(model, 23)))
                .isInstanceOf(ExternalDataException.class).hasMessageContaining("tensor 'w'")
                .hasMessageContaining("over the import size limit").hasMessageContaining("max_mb");
    }

    @Test
    void refusesExternalDataWithoutADirectoryOrBesideValuesOfItsOwn() throws IOException {
        Files.write(dir.resolve("w.bin"), data(0, 0));
        TensorProto.Builder w = external("w", Tensor.FLOAT, new long[] {2, 3}, keys("location", "w.bin"));
        assertThatThrownBy(() -> OnnxCodec.decode(modelBytes(w))).isInstanceOf(ExternalDataException.class)
                .hasMessageContaining("tensor 'w' keeps its data in an external file, but the model was given as bytes");
        assertThatThrownBy(() -> decode(w.clone().setRawData(ByteString.copyFrom(data(0, 0)))))
                .isInstanceOf(ProtoFormatException.class).hasMessageContaining("tensor 'w' keeps its data in an external file and in");
        assertThatThrownBy(() -> decode(external("s", 8 /* STRING */, new long[] {1}, keys("location", "w.bin"))))
                .isInstanceOf(ProtoFormatException.class).hasMessageContaining("tensor 's' of data type 8");
        assertThatThrownBy(() -> decode(external("w", Tensor.FLOAT, new long[] {2, 3}, Map.of()).addExternalData(
                StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin")).addExternalData(
                StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin"))))
                .isInstanceOf(ExternalDataException.class).hasMessageContaining("external_data key 'location' twice");
    }
}
