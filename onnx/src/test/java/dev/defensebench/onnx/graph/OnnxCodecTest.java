package dev.defensebench.onnx.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.defensebench.onnx.proto.ProtoFormatException;
import dev.defensebench.onnx.proto.ProtoWriter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The codec writes what it reads, accepts packed and unpacked repeated fields, and refuses external data. */
class OnnxCodecTest {

    private static Model model(List<Attribute> attributes, List<Tensor> initializers) {
        Graph g = new Graph("g", List.of(new Node("n", "Op", "", List.of("x"), List.of("y"), attributes)), initializers,
                List.of(new ValueInfo("x", Tensor.FLOAT, List.of(Dimension.named("batch"), Dimension.of(3)))),
                List.of(new ValueInfo("y", Tensor.FLOAT, null)));
        return new Model(7, List.of(new OpsetId("", 13)), "p", "1", g, Map.of("k", "v", "ü", "ß"));
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
    void readsPackedIntsAndRefusesExternalData() {
        byte[] attribute = new ProtoWriter().string(1, "pads").packedVarints(8, new long[] {1, 2, 3, 4}).varint(20, 7).toByteArray();
        byte[] node = new ProtoWriter().string(1, "x").string(2, "y").string(4, "MaxPool").bytes(5, attribute).toByteArray();
        byte[] graph = new ProtoWriter().bytes(1, node).toByteArray();
        byte[] opset = new ProtoWriter().varint(2, 13).toByteArray();
        byte[] bytes = new ProtoWriter().varint(1, 7).bytes(7, graph).bytes(8, opset).toByteArray();
        assertThat(OnnxCodec.decode(bytes).graph().nodes().get(0).attribute("pads").ints()).containsExactly(1, 2, 3, 4);

        byte[] external = new ProtoWriter().varint(1, 2).varint(2, Tensor.FLOAT).string(8, "w").varint(14, 1).toByteArray();
        byte[] g2 = new ProtoWriter().bytes(5, external).toByteArray();
        byte[] m2 = new ProtoWriter().varint(1, 7).bytes(7, g2).bytes(8, opset).toByteArray();
        assertThatThrownBy(() -> OnnxCodec.decode(m2)).isInstanceOf(ProtoFormatException.class)
                .hasMessageContaining("tensor 'w' keeps its data in an external file");
    }

    @Test
    void refusesTensorsWhoseDataDoesNotMatchTheirShape() {
        Model m = model(List.of(), List.of(new Tensor("w", Tensor.FLOAT, new long[] {2, 3}, new float[] {1, 2}, null, false)));
        assertThatThrownBy(() -> OnnxCodec.decode(OnnxCodec.encode(m))).isInstanceOf(ProtoFormatException.class)
                .hasMessageContaining("tensor 'w' has dims [2, 3] (6 values) but holds 2");
        byte[] noGraph = new ProtoWriter().varint(1, 7).toByteArray();
        assertThatThrownBy(() -> OnnxCodec.decode(noGraph)).hasMessageContaining("not an ONNX model: no graph");
    }
}
