package dev.defensebench.onnx.graph;

import dev.defensebench.onnx.proto.ProtoFormatException;
import dev.defensebench.onnx.proto.ProtoReader;
import dev.defensebench.onnx.proto.ProtoWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes {@link Model}s as ONNX protobuf bytes and decodes them back, field numbers as in
 * {@code onnx.proto}. Decoding checks every length, refuses tensors whose data lives in external
 * files, and reports anything malformed as a {@link ProtoFormatException}.
 */
public final class OnnxCodec {

    // ModelProto
    private static final int MODEL_IR_VERSION = 1;
    private static final int MODEL_PRODUCER_NAME = 2;
    private static final int MODEL_PRODUCER_VERSION = 3;
    private static final int MODEL_GRAPH = 7;
    private static final int MODEL_OPSET_IMPORT = 8;
    private static final int MODEL_METADATA_PROPS = 14;
    // GraphProto
    private static final int GRAPH_NODE = 1;
    private static final int GRAPH_NAME = 2;
    private static final int GRAPH_INITIALIZER = 5;
    private static final int GRAPH_INPUT = 11;
    private static final int GRAPH_OUTPUT = 12;
    // NodeProto
    private static final int NODE_INPUT = 1;
    private static final int NODE_OUTPUT = 2;
    private static final int NODE_NAME = 3;
    private static final int NODE_OP_TYPE = 4;
    private static final int NODE_ATTRIBUTE = 5;
    private static final int NODE_DOMAIN = 7;
    // AttributeProto
    private static final int ATTR_NAME = 1;
    private static final int ATTR_F = 2;
    private static final int ATTR_I = 3;
    private static final int ATTR_S = 4;
    private static final int ATTR_T = 5;
    private static final int ATTR_FLOATS = 7;
    private static final int ATTR_INTS = 8;
    private static final int ATTR_TYPE = 20;
    // TensorProto
    private static final int TENSOR_DIMS = 1;
    private static final int TENSOR_DATA_TYPE = 2;
    private static final int TENSOR_FLOAT_DATA = 4;
    private static final int TENSOR_INT64_DATA = 7;
    private static final int TENSOR_NAME = 8;
    private static final int TENSOR_RAW_DATA = 9;
    private static final int TENSOR_EXTERNAL_DATA = 13;
    private static final int TENSOR_DATA_LOCATION = 14;
    // ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto(.Dimension)
    private static final int VALUE_NAME = 1;
    private static final int VALUE_TYPE = 2;
    private static final int TYPE_TENSOR = 1;
    private static final int TENSOR_TYPE_ELEM = 1;
    private static final int TENSOR_TYPE_SHAPE = 2;
    private static final int SHAPE_DIM = 1;
    private static final int DIM_VALUE = 1;
    private static final int DIM_PARAM = 2;
    // OperatorSetIdProto, StringStringEntryProto
    private static final int OPSET_DOMAIN = 1;
    private static final int OPSET_VERSION = 2;
    private static final int ENTRY_KEY = 1;
    private static final int ENTRY_VALUE = 2;

    private OnnxCodec() {}

    // ------------------------------------------------------------------ encoding

    /** The protobuf bytes of {@code model}. */
    public static byte[] encode(Model model) {
        ProtoWriter w = new ProtoWriter().varint(MODEL_IR_VERSION, model.irVersion())
                .string(MODEL_PRODUCER_NAME, model.producerName())
                .string(MODEL_PRODUCER_VERSION, model.producerVersion())
                .message(MODEL_GRAPH, graph(model.graph()));
        for (OpsetId o : model.opsets()) {
            w.message(MODEL_OPSET_IMPORT, new ProtoWriter().string(OPSET_DOMAIN, o.domain()).varint(OPSET_VERSION, o.version()));
        }
        model.metadata().forEach((k, v) -> w.message(MODEL_METADATA_PROPS,
                new ProtoWriter().string(ENTRY_KEY, k).string(ENTRY_VALUE, v)));
        return w.toByteArray();
    }

    private static ProtoWriter graph(Graph g) {
        ProtoWriter w = new ProtoWriter();
        for (Node n : g.nodes()) {
            w.message(GRAPH_NODE, node(n));
        }
        w.string(GRAPH_NAME, g.name());
        for (Tensor t : g.initializers()) {
            w.message(GRAPH_INITIALIZER, tensor(t));
        }
        for (ValueInfo v : g.inputs()) {
            w.message(GRAPH_INPUT, valueInfo(v));
        }
        for (ValueInfo v : g.outputs()) {
            w.message(GRAPH_OUTPUT, valueInfo(v));
        }
        return w;
    }

    private static ProtoWriter node(Node n) {
        ProtoWriter w = new ProtoWriter();
        n.inputs().forEach(i -> w.string(NODE_INPUT, i));
        n.outputs().forEach(o -> w.string(NODE_OUTPUT, o));
        w.string(NODE_NAME, n.name()).string(NODE_OP_TYPE, n.opType());
        for (Attribute a : n.attributes()) {
            w.message(NODE_ATTRIBUTE, attribute(a));
        }
        if (!n.domain().isEmpty()) {
            w.string(NODE_DOMAIN, n.domain());
        }
        return w;
    }

    private static ProtoWriter attribute(Attribute a) {
        ProtoWriter w = new ProtoWriter().string(ATTR_NAME, a.name());
        switch (a.type()) {
            case Attribute.FLOAT -> w.float32(ATTR_F, a.f());
            case Attribute.INT -> w.varint(ATTR_I, a.i());
            case Attribute.STRING -> w.string(ATTR_S, a.s());
            case Attribute.TENSOR -> w.message(ATTR_T, tensor(a.t()));
            case Attribute.FLOATS -> {
                for (float f : a.floats()) {
                    w.float32(ATTR_FLOATS, f);
                }
            }
            case Attribute.INTS -> {
                for (long i : a.ints()) {
                    w.varint(ATTR_INTS, i);
                }
            }
            default -> throw new IllegalArgumentException("cannot encode attribute '" + a.name() + "' of type " + a.type());
        }
        return w.varint(ATTR_TYPE, a.type());
    }

    private static ProtoWriter tensor(Tensor t) {
        ProtoWriter w = new ProtoWriter();
        for (long d : t.dims()) {
            w.varint(TENSOR_DIMS, d);
        }
        w.varint(TENSOR_DATA_TYPE, t.dataType());
        if (t.raw()) {
            w.string(TENSOR_NAME, t.name());
            w.bytes(TENSOR_RAW_DATA, rawBytes(t));
        } else {
            if (t.dataType() == Tensor.FLOAT) {
                w.packedFloats(TENSOR_FLOAT_DATA, t.floats());
            } else if (t.dataType() == Tensor.INT64) {
                w.packedVarints(TENSOR_INT64_DATA, t.longs());
            } else {
                throw new IllegalArgumentException("cannot encode tensor '" + t.name() + "' of data type " + t.dataType());
            }
            w.string(TENSOR_NAME, t.name());
        }
        return w;
    }

    private static byte[] rawBytes(Tensor t) {
        if (t.dataType() == Tensor.FLOAT) {
            ByteBuffer b = ByteBuffer.allocate(4 * t.floats().length).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(t.floats());
            return b.array();
        }
        if (t.dataType() == Tensor.INT64) {
            ByteBuffer b = ByteBuffer.allocate(8 * t.longs().length).order(ByteOrder.LITTLE_ENDIAN);
            b.asLongBuffer().put(t.longs());
            return b.array();
        }
        throw new IllegalArgumentException("cannot encode tensor '" + t.name() + "' of data type " + t.dataType());
    }

    private static ProtoWriter valueInfo(ValueInfo v) {
        ProtoWriter tensorType = new ProtoWriter().varint(TENSOR_TYPE_ELEM, v.elemType());
        if (v.dims() != null) {
            ProtoWriter shape = new ProtoWriter();
            for (Dimension d : v.dims()) {
                shape.message(SHAPE_DIM, d.isFixed() ? new ProtoWriter().varint(DIM_VALUE, d.value())
                        : new ProtoWriter().string(DIM_PARAM, d.param()));
            }
            tensorType.message(TENSOR_TYPE_SHAPE, shape);
        }
        return new ProtoWriter().string(VALUE_NAME, v.name()).message(VALUE_TYPE, new ProtoWriter().message(TYPE_TENSOR, tensorType));
    }

    // ------------------------------------------------------------------ decoding

    /** Decodes ONNX protobuf bytes; a model without a graph or an IR version is refused as "not ONNX". */
    public static Model decode(byte[] bytes) {
        ProtoReader r = new ProtoReader(bytes);
        long ir = -1;
        String producer = "";
        String producerVersion = "";
        Graph graph = null;
        List<OpsetId> opsets = new ArrayList<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        while (r.next()) {
            switch (r.field()) {
                case MODEL_IR_VERSION -> ir = r.varint();
                case MODEL_PRODUCER_NAME -> producer = r.string();
                case MODEL_PRODUCER_VERSION -> producerVersion = r.string();
                case MODEL_GRAPH -> graph = graph(r.message());
                case MODEL_OPSET_IMPORT -> opsets.add(opset(r.message()));
                case MODEL_METADATA_PROPS -> {
                    ProtoReader e = r.message();
                    String key = "";
                    String value = "";
                    while (e.next()) {
                        switch (e.field()) {
                            case ENTRY_KEY -> key = e.string();
                            case ENTRY_VALUE -> value = e.string();
                            default -> e.skip();
                        }
                    }
                    metadata.put(key, value);
                }
                default -> r.skip();
            }
        }
        if (graph == null || ir <= 0) {
            throw new ProtoFormatException("not an ONNX model: " + (ir <= 0 ? "no IR version" : "")
                    + (ir <= 0 && graph == null ? " and " : "") + (graph == null ? "no graph" : ""));
        }
        if (opsets.isEmpty()) {
            throw new ProtoFormatException("not a valid ONNX model: it imports no operator set");
        }
        return new Model(ir, opsets, producer, producerVersion, graph, metadata);
    }

    private static OpsetId opset(ProtoReader r) {
        String domain = "";
        long version = 0;
        while (r.next()) {
            switch (r.field()) {
                case OPSET_DOMAIN -> domain = r.string();
                case OPSET_VERSION -> version = r.varint();
                default -> r.skip();
            }
        }
        return new OpsetId(domain, version);
    }

    private static Graph graph(ProtoReader r) {
        String name = "";
        List<Node> nodes = new ArrayList<>();
        List<Tensor> initializers = new ArrayList<>();
        List<ValueInfo> inputs = new ArrayList<>();
        List<ValueInfo> outputs = new ArrayList<>();
        while (r.next()) {
            switch (r.field()) {
                case GRAPH_NODE -> nodes.add(node(r.message()));
                case GRAPH_NAME -> name = r.string();
                case GRAPH_INITIALIZER -> initializers.add(tensor(r.message()));
                case GRAPH_INPUT -> inputs.add(valueInfo(r.message()));
                case GRAPH_OUTPUT -> outputs.add(valueInfo(r.message()));
                default -> r.skip();
            }
        }
        return new Graph(name, nodes, initializers, inputs, outputs);
    }

    private static Node node(ProtoReader r) {
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        List<Attribute> attributes = new ArrayList<>();
        String name = "";
        String op = "";
        String domain = "";
        while (r.next()) {
            switch (r.field()) {
                case NODE_INPUT -> inputs.add(r.string());
                case NODE_OUTPUT -> outputs.add(r.string());
                case NODE_NAME -> name = r.string();
                case NODE_OP_TYPE -> op = r.string();
                case NODE_ATTRIBUTE -> attributes.add(attribute(r.message()));
                case NODE_DOMAIN -> domain = r.string();
                default -> r.skip();
            }
        }
        if (op.isEmpty()) {
            throw new ProtoFormatException("a node" + (name.isEmpty() ? "" : " '" + name + "'") + " has no operator type");
        }
        return new Node(name, op, domain, inputs, outputs, attributes);
    }

    private static Attribute attribute(ProtoReader r) {
        String name = "";
        int type = 0;
        float f = 0;
        long i = 0;
        String s = null;
        Tensor t = null;
        List<Float> floats = new ArrayList<>();
        List<Long> ints = new ArrayList<>();
        int inferred = 0;
        while (r.next()) {
            switch (r.field()) {
                case ATTR_NAME -> name = r.string();
                case ATTR_TYPE -> type = r.int32();
                case ATTR_F -> {
                    f = r.float32();
                    inferred = Attribute.FLOAT;
                }
                case ATTR_I -> {
                    i = r.varint();
                    inferred = Attribute.INT;
                }
                case ATTR_S -> {
                    s = new String(r.bytes(), java.nio.charset.StandardCharsets.UTF_8);
                    inferred = Attribute.STRING;
                }
                case ATTR_T -> {
                    t = tensor(r.message());
                    inferred = Attribute.TENSOR;
                }
                case ATTR_FLOATS -> {
                    for (float v : r.floats()) {
                        floats.add(v);
                    }
                    inferred = Attribute.FLOATS;
                }
                case ATTR_INTS -> {
                    for (long v : r.varints()) {
                        ints.add(v);
                    }
                    inferred = Attribute.INTS;
                }
                default -> r.skip();
            }
        }
        if (type == 0) {
            type = inferred;
        }
        float[] fs = new float[floats.size()];
        for (int k = 0; k < fs.length; k++) {
            fs[k] = floats.get(k);
        }
        long[] is = ints.stream().mapToLong(Long::longValue).toArray();
        return new Attribute(name, type, f, i, s, fs, is, t);
    }

    private static Tensor tensor(ProtoReader r) {
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = "";
        float[] floats = null;
        long[] longs = null;
        byte[] raw = null;
        while (r.next()) {
            switch (r.field()) {
                case TENSOR_DIMS -> {
                    for (long d : r.varints()) {
                        dims.add(d);
                    }
                }
                case TENSOR_DATA_TYPE -> type = r.int32();
                case TENSOR_FLOAT_DATA -> floats = concat(floats, r.floats());
                case TENSOR_INT64_DATA -> longs = concat(longs, r.varints());
                case TENSOR_NAME -> name = r.string();
                case TENSOR_RAW_DATA -> raw = r.bytes();
                case TENSOR_EXTERNAL_DATA -> throw new ProtoFormatException(
                        "tensor '" + name + "' keeps its data in an external file; only self-contained models are imported");
                case TENSOR_DATA_LOCATION -> {
                    if (r.varint() != 0) {
                        throw new ProtoFormatException("tensor '" + name
                                + "' keeps its data in an external file; only self-contained models are imported");
                    }
                }
                default -> r.skip();
            }
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new ProtoFormatException("tensor '" + name + "' has a negative dimension " + dims);
            }
            count = d > Integer.MAX_VALUE ? Long.MAX_VALUE : Math.min(count * d, Long.MAX_VALUE / 2);
            if (count > Integer.MAX_VALUE) {
                throw new ProtoFormatException("tensor '" + name + "' has " + dims + " = too many elements");
            }
        }
        if (type == Tensor.FLOAT) {
            if (raw != null) {
                requireBytes(name, raw, count, 4);
                floats = new float[(int) count];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(floats);
            }
            int found = floats == null ? 0 : floats.length;
            if (found != count) {
                throw new ProtoFormatException("tensor '" + name + "' has dims " + dims + " (" + count + " values) but holds " + found);
            }
            return new Tensor(name, type, shape, floats, null, raw != null);
        }
        if (type == Tensor.INT64) {
            if (raw != null) {
                requireBytes(name, raw, count, 8);
                longs = new long[(int) count];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(longs);
            }
            int found = longs == null ? 0 : longs.length;
            if (found != count) {
                throw new ProtoFormatException("tensor '" + name + "' has dims " + dims + " (" + count + " values) but holds " + found);
            }
            return new Tensor(name, type, shape, null, longs, raw != null);
        }
        return new Tensor(name, type, shape, null, null, raw != null);
    }

    private static void requireBytes(String name, byte[] raw, long count, int width) {
        if (raw.length != count * width) {
            throw new ProtoFormatException("tensor '" + name + "' needs " + count * width + " bytes of raw data, found " + raw.length);
        }
    }

    private static float[] concat(float[] a, float[] b) {
        if (a == null) {
            return b;
        }
        float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static long[] concat(long[] a, long[] b) {
        if (a == null) {
            return b;
        }
        long[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static ValueInfo valueInfo(ProtoReader r) {
        String name = "";
        int elem = 0;
        List<Dimension> dims = null;
        while (r.next()) {
            switch (r.field()) {
                case VALUE_NAME -> name = r.string();
                case VALUE_TYPE -> {
                    ProtoReader type = r.message();
                    while (type.next()) {
                        if (type.field() != TYPE_TENSOR) {
                            type.skip();
                            continue;
                        }
                        ProtoReader tensor = type.message();
                        while (tensor.next()) {
                            switch (tensor.field()) {
                                case TENSOR_TYPE_ELEM -> elem = tensor.int32();
                                case TENSOR_TYPE_SHAPE -> dims = shape(tensor.message());
                                default -> tensor.skip();
                            }
                        }
                    }
                }
                default -> r.skip();
            }
        }
        return new ValueInfo(name, elem, dims);
    }

    private static List<Dimension> shape(ProtoReader r) {
        List<Dimension> dims = new ArrayList<>();
        while (r.next()) {
            if (r.field() != SHAPE_DIM) {
                r.skip();
                continue;
            }
            ProtoReader d = r.message();
            long value = -1;
            String param = null;
            while (d.next()) {
                switch (d.field()) {
                    case DIM_VALUE -> value = d.varint();
                    case DIM_PARAM -> param = d.string();
                    default -> d.skip();
                }
            }
            dims.add(new Dimension(value, param));
        }
        return dims;
    }
}
