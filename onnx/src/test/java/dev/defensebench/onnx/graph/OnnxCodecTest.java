package dev.defensebench.onnx.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.defensebench.onnx.proto.AttributeProto;
import dev.defensebench.onnx.proto.GraphProto;
import dev.defensebench.onnx.proto.ModelProto;
import dev.defensebench.onnx.proto.NodeProto;
import dev.defensebench.onnx.proto.OperatorSetIdProto;
import dev.defensebench.onnx.proto.ProtoFormatException;
import dev.defensebench.onnx.proto.StringStringEntryProto;
import dev.defensebench.onnx.proto.TensorProto;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The codec writes what it reads, accepts packed and unpacked repeated fields and fields it does not know,
 * and refuses external data given without a directory (ExternalDataTest reads it from files), malformed text, trailing bytes and nesting past its limit.
 */
class OnnxCodecTest {

    private static Model model(List<Attribute> attributes, List<Tensor> initializers) {
        Graph g = new Graph("g", List.of(new Node("n", "Op", "", List.of("x"), List.of("y"), attributes)), initializers,
                List.of(new ValueInfo("x", Tensor.FLOAT, List.of(Dimension.named("batch"), Dimension.of(3)))),
                List.of(new ValueInfo("y", Tensor.FLOAT, null)));
        return new Model(7, List.of(new OpsetId("", 13)), "p", "1", g, Map.of("k", "v", "ü", "ß"));
    }

    /** A model whose {@code graph} gets one MaxPool node. */
    private static ModelProto.Builder maxPool(GraphProto.Builder graph) {
        return ModelProto.newBuilder().setIrVersion(7).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(graph.addNode(NodeProto.newBuilder().addInput("x").addOutput("y").setOpType("MaxPool")));
    }

    /** Field {@code number} as written on the wire, with {@code write} putting its value (or body) after the tag. */
    private static ByteString field(int number, int wireType, IoConsumer write) throws IOException {
        ByteString.Output out = ByteString.newOutput();
        CodedOutputStream c = CodedOutputStream.newInstance(out);
        c.writeTag(number, wireType);
        write.accept(c);
        c.flush();
        return out.toByteString();
    }

    private interface IoConsumer {
        void accept(CodedOutputStream c) throws IOException;
    }

    @Test
    void roundTripsEveryFieldItWrites() {
        Model m = model(List.of(Attribute.ofInt("i", -5), Attribute.ofInts("is", 1, -2, 300), Attribute.ofFloat("f", 0.25f),
                Attribute.ofString("s", "NOTSET")), List.of(Tensor.ofFloats("w", new long[] {2, 2}, new float[] {1, -2, 3.5f, 0}),
                Tensor.ofFloats("r", new long[] {3}, new float[] {7, 8, 9}).asRaw(),
                Tensor.ofLongs("shape", new long[] {2}, new long[] {0, -1}),
                Tensor.ofLongs("raw64", new long[] {1}, new long[] {Long.MIN_VALUE}).asRaw()));
        Model back = OnnxCodec.decode(OnnxCodec.encode(m));
        assertThat(back.irVersion()).isEqualTo(7);
        assertThat(back.defaultOpset()).isEqualTo(13);
        assertThat(back.metadata()).containsExactlyEntriesOf(m.metadata());
        Node n = back.graph().nodes().get(0);
        assertThat(n.attribute("i").i()).isEqualTo(-5);
        assertThat(n.attribute("is").ints()).containsExactly(1, -2, 300);
        assertThat(n.attribute("f").f()).isEqualTo(0.25f);
        assertThat(n.attribute("s").s()).isEqualTo("NOTSET");
        assertThat(back.graph().initializer("w").floats()).containsExactly(1, -2, 3.5f, 0);
        assertThat(back.graph().initializer("r").floats()).containsExactly(7, 8, 9);
        assertThat(back.graph().initializer("r").raw()).isTrue();
        assertThat(back.graph().initializer("shape").longs()).containsExactly(0, -1);
        assertThat(back.graph().initializer("raw64").longs()).containsExactly(Long.MIN_VALUE);
        assertThat(back.graph().inputs().get(0).dims()).containsExactly(Dimension.named("batch"), Dimension.of(3));
        assertThat(back.graph().outputs().get(0).dims()).isNull();
    }

    @Test
    void roundTripsBoolAndNarrowIntegerTensorsRawAndListed() {
        List<Tensor> tensors = List.of(new Tensor("mask", Tensor.BOOL, new long[] {3}, null, new long[] {1, 0, 1}, true),
                new Tensor("flags", Tensor.BOOL, new long[] {2}, null, new long[] {0, 1}, false),
                new Tensor("i32", Tensor.INT32, new long[] {2}, null, new long[] {-7, Integer.MAX_VALUE}, true),
                new Tensor("u8", Tensor.UINT8, new long[] {2}, null, new long[] {255, 3}, true),
                new Tensor("i8", Tensor.INT8, new long[] {2}, null, new long[] {-128, 5}, true),
                new Tensor("i16", Tensor.INT16, new long[] {1}, null, new long[] {-300}, false));
        Model back = OnnxCodec.decode(OnnxCodec.encode(model(List.of(), tensors)));
        for (Tensor t : tensors) {
            Tensor b = back.graph().initializer(t.name());
            assertThat(b.dataType()).as(t.name()).isEqualTo(t.dataType());
            assertThat(b.longs()).as(t.name()).containsExactly(t.longs());
            assertThat(b.raw()).as(t.name()).isEqualTo(t.raw());
        }
        // raw bytes are read with their width and signedness: 0xFF is 255 as UINT8, -1 as INT8
        byte[] raw = ModelProto.newBuilder().setIrVersion(7).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(GraphProto.newBuilder()
                        .addInitializer(TensorProto.newBuilder().setName("u").setDataType(Tensor.UINT8).addDims(1)
                                .setRawData(ByteString.copyFrom(new byte[] {(byte) 0xFF})))
                        .addInitializer(TensorProto.newBuilder().setName("s").setDataType(Tensor.INT8).addDims(1)
                                .setRawData(ByteString.copyFrom(new byte[] {(byte) 0xFF}))))
                .build().toByteArray();
        Model decoded = OnnxCodec.decode(raw);
        assertThat(decoded.graph().initializer("u").longs()).containsExactly(255);
        assertThat(decoded.graph().initializer("s").longs()).containsExactly(-1);
    }

    @Test
    void readsPackedIntsAndRefusesExternalData() throws IOException {
        // the official schema leaves AttributeProto.ints unpacked; some writers pack it anyway
        ByteString packed = field(8, WireFormat.WIRETYPE_LENGTH_DELIMITED, c -> {
            c.writeUInt32NoTag(4);
            for (long v : new long[] {1, 2, 3, 4}) {
                c.writeInt64NoTag(v);
            }
        });
        ByteString attribute = AttributeProto.newBuilder().setName("pads").setType(AttributeProto.AttributeType.INTS).build()
                .toByteString().concat(packed);
        ByteString node = NodeProto.newBuilder().addInput("x").addOutput("y").setOpType("MaxPool").build().toByteString()
                .concat(field(5, WireFormat.WIRETYPE_LENGTH_DELIMITED, c -> c.writeBytesNoTag(attribute)));
        byte[] bytes = ModelProto.newBuilder().setIrVersion(7).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .build().toByteString().concat(field(7, WireFormat.WIRETYPE_LENGTH_DELIMITED,
                        c -> c.writeBytesNoTag(field(1, WireFormat.WIRETYPE_LENGTH_DELIMITED, g -> g.writeBytesNoTag(node)))))
                .toByteArray();
        assertThat(OnnxCodec.decode(bytes).graph().nodes().get(0).attribute("pads").ints()).containsExactly(1, 2, 3, 4);

        TensorProto.Builder w = TensorProto.newBuilder().addDims(2).setDataType(Tensor.FLOAT).setName("w");
        byte[] located = maxPool(GraphProto.newBuilder().addInitializer(w.clone()
                .setDataLocation(TensorProto.DataLocation.EXTERNAL))).build().toByteArray();
        byte[] described = maxPool(GraphProto.newBuilder().addInitializer(w.clone()
                .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin")))).build().toByteArray();
        assertThatThrownBy(() -> OnnxCodec.decode(located)).isInstanceOf(ExternalDataException.class)
                .hasMessageContaining("tensor 'w' keeps its data in an external file, but the model was given as bytes");
        assertThatThrownBy(() -> OnnxCodec.decode(described)).isInstanceOf(ProtoFormatException.class)
                .hasMessageContaining("tensor 'w' has external_data entries but its data_location is not EXTERNAL");
    }

    @Test
    void refusesTensorsWhoseDataDoesNotMatchTheirShape() {
        Model m = model(List.of(), List.of(new Tensor("w", Tensor.FLOAT, new long[] {2, 3}, new float[] {1, 2}, null, false)));
        assertThatThrownBy(() -> OnnxCodec.decode(OnnxCodec.encode(m))).isInstanceOf(ProtoFormatException.class)
                .hasMessageContaining("tensor 'w' has dims [2, 3] (6 values) but holds 2");
        Model raw = model(List.of(), List.of(new Tensor("r", Tensor.FLOAT, new long[] {2, 3}, new float[] {1, 2}, null, true)));
        assertThatThrownBy(() -> OnnxCodec.decode(OnnxCodec.encode(raw))).isInstanceOf(ProtoFormatException.class)
                .hasMessageContaining("tensor 'r' needs 24 bytes of raw data, found 8");
        byte[] noGraph = ModelProto.newBuilder().setIrVersion(7).build().toByteArray();
        assertThatThrownBy(() -> OnnxCodec.decode(noGraph)).hasMessageContaining("not an ONNX model: no graph");
    }

    @Test
    void skipsFieldsItDoesNotKnowOfEveryWireType() throws IOException {
        byte[] plain = maxPool(GraphProto.newBuilder()).build().toByteArray();
        ByteString unknown = field(6, WireFormat.WIRETYPE_LENGTH_DELIMITED, c -> c.writeStringNoTag("doc string"))
                .concat(field(5, WireFormat.WIRETYPE_VARINT, c -> c.writeInt64NoTag(-3)))
                .concat(field(40, WireFormat.WIRETYPE_FIXED64, c -> c.writeFixed64NoTag(1)))
                .concat(field(41, WireFormat.WIRETYPE_FIXED32, c -> c.writeFixed32NoTag(1)))
                .concat(nestedGroups(42, 3));
        byte[] padded = ByteString.copyFrom(plain).concat(unknown).toByteArray();
        assertThat(OnnxCodec.encode(OnnxCodec.decode(padded))).isEqualTo(OnnxCodec.encode(OnnxCodec.decode(plain)));
    }

    @Test
    void refusesNestingPastTheLimitTrailingBytesAndMalformedText() throws IOException {
        byte[] plain = maxPool(GraphProto.newBuilder()).build().toByteArray();
        OnnxCodec.decode(ByteString.copyFrom(plain).concat(nestedGroups(42, OnnxCodec.MAX_NESTING - 1)).toByteArray());
        byte[] deep = ByteString.copyFrom(plain).concat(nestedGroups(42, OnnxCodec.MAX_NESTING + 1)).toByteArray();
        assertThatThrownBy(() -> OnnxCodec.decode(deep)).isInstanceOf(ProtoFormatException.class)
                .hasMessageContaining("messages nested more than " + OnnxCodec.MAX_NESTING + " deep");

        // a stray end-group tag would end a lenient parse early and ignore the rest of the file
        byte[] cut = ByteString.copyFrom(plain).concat(field(3, WireFormat.WIRETYPE_END_GROUP, c -> { }))
                .concat(ByteString.copyFrom(plain)).toByteArray();
        assertThatThrownBy(() -> OnnxCodec.decode(cut)).isInstanceOf(ProtoFormatException.class).hasMessageContaining("end-group");

        // producer_name (field 2) in Latin-1, not UTF-8
        byte[] latin1 = ByteString.copyFrom(plain).concat(field(2, WireFormat.WIRETYPE_LENGTH_DELIMITED,
                c -> c.writeBytesNoTag(ByteString.copyFrom(new byte[] {'f', (byte) 0xFC, 'r'})))).toByteArray();
        assertThatThrownBy(() -> OnnxCodec.decode(latin1)).isInstanceOf(ProtoFormatException.class).hasMessageContaining("UTF-8");

        byte[] truncated = Arrays.copyOf(plain, plain.length - 1);
        assertThatThrownBy(() -> OnnxCodec.decode(truncated)).isInstanceOf(ProtoFormatException.class)
                .hasMessageContaining("truncated");
    }

    /** An unknown field {@code number} holding {@code depth} groups nested in one another. */
    private static ByteString nestedGroups(int number, int depth) throws IOException {
        ByteString.Output out = ByteString.newOutput();
        CodedOutputStream c = CodedOutputStream.newInstance(out);
        for (int k = 0; k < depth; k++) {
            c.writeTag(number, WireFormat.WIRETYPE_START_GROUP);
        }
        c.writeInt32(1, 7);
        for (int k = 0; k < depth; k++) {
            c.writeTag(number, WireFormat.WIRETYPE_END_GROUP);
        }
        c.flush();
        return out.toByteString();
    }
}
