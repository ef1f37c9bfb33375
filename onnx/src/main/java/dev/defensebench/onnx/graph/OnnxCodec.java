package dev.defensebench.onnx.graph;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.defensebench.onnx.proto.AttributeProto;
import dev.defensebench.onnx.proto.GraphProto;
import dev.defensebench.onnx.proto.ModelProto;
import dev.defensebench.onnx.proto.NodeProto;
import dev.defensebench.onnx.proto.OperatorSetIdProto;
import dev.defensebench.onnx.proto.ProtoFormatException;
import dev.defensebench.onnx.proto.StringStringEntryProto;
import dev.defensebench.onnx.proto.TensorProto;
import dev.defensebench.onnx.proto.TensorShapeProto;
import dev.defensebench.onnx.proto.TypeProto;
import dev.defensebench.onnx.proto.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Maps {@link Model}s to ONNX protobuf bytes and back through the classes protoc generates from
 * {@code onnx/src/main/proto/onnx.proto} (package {@code dev.defensebench.onnx.proto}). Decoding parses with
 * a nesting limit, reads tensors whose data lives in external files through {@link ExternalData} (refused when the
 * model comes without its directory), refuses tensors whose values do not match their dimensions, and reports
 * anything malformed as a {@link ProtoFormatException} (external data as an {@link ExternalDataException}). Fields
 * the schema leaves out are skipped.
 */
public final class OnnxCodec {

    /**
     * The deepest message nesting a file may have. The schema nests 6 deep (model > graph > value info > type
     * > tensor type > shape > dimension); only unknown groups can nest deeper, and they are refused here
     * rather than at protobuf's default of 100.
     */
    static final int MAX_NESTING = 16;

    private OnnxCodec() {}

    // ------------------------------------------------------------------ encoding

    /** The protobuf bytes of {@code model}. */
    public static byte[] encode(Model model) {
        ModelProto.Builder m = ModelProto.newBuilder().setIrVersion(model.irVersion());
        ifPresent(model.producerName(), m::setProducerName);
        ifPresent(model.producerVersion(), m::setProducerVersion);
        m.setGraph(graph(model.graph()));
        for (OpsetId o : model.opsets()) {
            m.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain(o.domain()).setVersion(o.version()));
        }
        model.metadata().forEach((k, v) -> {
            StringStringEntryProto.Builder e = m.addMetadataPropsBuilder();
            ifPresent(k, e::setKey);
            ifPresent(v, e::setValue);
        });
        return m.build().toByteArray();
    }

    private static GraphProto graph(Graph g) {
        GraphProto.Builder b = GraphProto.newBuilder();
        g.nodes().forEach(n -> b.addNode(node(n)));
        ifPresent(g.name(), b::setName);
        g.initializers().forEach(t -> b.addInitializer(tensor(t)));
        g.inputs().forEach(v -> b.addInput(valueInfo(v)));
        g.outputs().forEach(v -> b.addOutput(valueInfo(v)));
        return b.build();
    }

    private static NodeProto node(Node n) {
        NodeProto.Builder b = NodeProto.newBuilder().addAllInput(n.inputs()).addAllOutput(n.outputs()).setName(n.name())
                .setOpType(n.opType());
        n.attributes().forEach(a -> b.addAttribute(attribute(a)));
        if (!n.domain().isEmpty()) {
            b.setDomain(n.domain());
        }
        return b.build();
    }

    private static AttributeProto attribute(Attribute a) {
        AttributeProto.Builder b = AttributeProto.newBuilder();
        ifPresent(a.name(), b::setName);
        switch (a.type()) {
            case Attribute.FLOAT -> b.setF(a.f());
            case Attribute.INT -> b.setI(a.i());
            case Attribute.STRING -> ifPresent(a.s(), s -> b.setS(ByteString.copyFromUtf8(s)));
            case Attribute.TENSOR -> b.setT(tensor(a.t()));
            case Attribute.FLOATS -> {
                for (float f : a.floats()) {
                    b.addFloats(f);
                }
            }
            case Attribute.INTS -> Arrays.stream(a.ints()).forEach(b::addInts);
            default -> throw new IllegalArgumentException("cannot encode attribute '" + a.name() + "' of type " + a.type());
        }
        return b.setType(AttributeProto.AttributeType.forNumber(a.type())).build();
    }

    private static TensorProto tensor(Tensor t) {
        TensorProto.Builder b = TensorProto.newBuilder().setDataType(t.dataType());
        Arrays.stream(t.dims()).forEach(b::addDims);
        ifPresent(t.name(), b::setName);
        if (t.raw()) {
            return b.setRawData(UnsafeByteOperations.unsafeWrap(rawBytes(t))).build();
        }
        if (t.dataType() == Tensor.FLOAT) {
            for (float f : t.floats()) {
                b.addFloatData(f);
            }
        } else if (t.dataType() == Tensor.INT64) {
            Arrays.stream(t.longs()).forEach(b::addInt64Data);
        } else if (Tensor.narrowIntegerWidth(t.dataType()) > 0 && t.longs() != null) {
            Arrays.stream(t.longs()).forEach(v -> b.addInt32Data((int) v));
        } else {
            throw new IllegalArgumentException("cannot encode tensor '" + t.name() + "' of data type " + t.dataType());
        }
        return b.build();
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
        int width = Tensor.narrowIntegerWidth(t.dataType());
        if (width > 0 && t.longs() != null) {
            ByteBuffer b = ByteBuffer.allocate(width * t.longs().length).order(ByteOrder.LITTLE_ENDIAN);
            for (long v : t.longs()) {
                switch (width) {
                    case 1 -> b.put((byte) v);
                    case 2 -> b.putShort((short) v);
                    default -> b.putInt((int) v);
                }
            }
            return b.array();
        }
        throw new IllegalArgumentException("cannot encode tensor '" + t.name() + "' of data type " + t.dataType());
    }

    private static ValueInfoProto valueInfo(ValueInfo v) {
        TypeProto.Tensor.Builder tensorType = TypeProto.Tensor.newBuilder().setElemType(v.elemType());
        if (v.dims() != null) {
            TensorShapeProto.Builder shape = tensorType.getShapeBuilder();
            for (Dimension d : v.dims()) {
                TensorShapeProto.Dimension.Builder dim = shape.addDimBuilder();
                if (d.isFixed()) {
                    dim.setDimValue(d.value());
                } else {
                    ifPresent(d.param(), dim::setDimParam);
                }
            }
        }
        ValueInfoProto.Builder b = ValueInfoProto.newBuilder().setType(TypeProto.newBuilder().setTensorType(tensorType));
        ifPresent(v.name(), b::setName);
        return b.build();
    }

    /** Sets an optional string field only when there is a value, as protobuf leaves absent fields unwritten. */
    private static void ifPresent(String value, Consumer<String> setter) {
        if (value != null) {
            setter.accept(value);
        }
    }

    // ------------------------------------------------------------------ decoding

    /**
     * Decodes the ONNX protobuf bytes of a self-contained model; a model without a graph or an IR version is refused as
     * "not ONNX", a tensor with external data as an {@link ExternalDataException} (use {@link #decode(byte[],
     * ExternalData)} with the model file's directory).
     */
    public static Model decode(byte[] bytes) {
        return decode(bytes, ExternalData.none());
    }

    /** As {@link #decode(byte[])}, with the data of external tensors read through {@code external}. */
    public static Model decode(byte[] bytes, ExternalData external) {
        ModelProto m = parse(bytes);
        if (!m.hasGraph() || m.getIrVersion() <= 0) {
            boolean noIr = m.getIrVersion() <= 0;
            throw new ProtoFormatException("not an ONNX model: " + (noIr ? "no IR version" : "")
                    + (noIr && !m.hasGraph() ? " and " : "") + (m.hasGraph() ? "" : "no graph"));
        }
        if (m.getOpsetImportCount() == 0) {
            throw new ProtoFormatException("not a valid ONNX model: it imports no operator set");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        m.getMetadataPropsList().forEach(e -> metadata.put(e.getKey(), e.getValue()));
        return new Model(m.getIrVersion(), map(m.getOpsetImportList(), o -> new OpsetId(o.getDomain(), o.getVersion())),
                m.getProducerName(), m.getProducerVersion(), graph(m.getGraph(), external), metadata);
    }

    /**
     * A strict parse: strings must be UTF-8 (the schema's {@code java_string_check_utf8}) and messages may nest
     * at most {@link #MAX_NESTING} deep; protobuf itself refuses truncated input and a stray end-group tag.
     * Aliasing lets {@code raw_data} point into {@code bytes} instead of copying the weights once more.
     */
    private static ModelProto parse(byte[] bytes) {
        CodedInputStream in = CodedInputStream.newInstance(bytes);
        in.setRecursionLimit(MAX_NESTING);
        in.enableAliasing(true);
        try {
            return ModelProto.parser().parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            // protobuf's own text for the nesting limit tells a programmer to raise it; say what the file did instead
            String why = e.getMessage().contains("levels of nesting")
                    ? "messages nested more than " + MAX_NESTING + " deep" : e.getMessage();
            throw new ProtoFormatException("malformed protobuf: " + why, e);
        }
    }

    private static <P, R> List<R> map(List<P> protos, Function<P, R> mapping) {
        return protos.stream().map(mapping).toList();
    }

    private static Graph graph(GraphProto g, ExternalData external) {
        return new Graph(g.getName(), map(g.getNodeList(), n -> node(n, external)),
                map(g.getInitializerList(), t -> tensor(t, external)),
                map(g.getInputList(), OnnxCodec::valueInfo), map(g.getOutputList(), OnnxCodec::valueInfo));
    }

    private static Node node(NodeProto n, ExternalData external) {
        if (n.getOpType().isEmpty()) {
            throw new ProtoFormatException("a node" + (n.getName().isEmpty() ? "" : " '" + n.getName() + "'") + " has no operator type");
        }
        return new Node(n.getName(), n.getOpType(), n.getDomain(), n.getInputList(), n.getOutputList(),
                map(n.getAttributeList(), a -> attribute(a, external)));
    }

    private static Attribute attribute(AttributeProto a, ExternalData external) {
        // UNDEFINED also when the type is missing, or a code this schema does not know: then the value says it
        int type = a.getType().getNumber();
        if (type == 0) {
            type = inferredType(a);
        }
        float[] floats = new float[a.getFloatsCount()];
        for (int k = 0; k < floats.length; k++) {
            floats[k] = a.getFloats(k);
        }
        long[] ints = new long[a.getIntsCount()];
        for (int k = 0; k < ints.length; k++) {
            ints[k] = a.getInts(k);
        }
        return new Attribute(a.getName(), type, a.getF(), a.getI(), a.hasS() ? a.getS().toStringUtf8() : null, floats, ints,
                a.hasT() ? tensor(a.getT(), external) : null);
    }

    /** The type an attribute without one has: that of its value field with the highest number, as writers order them. */
    private static int inferredType(AttributeProto a) {
        if (a.getIntsCount() > 0) {
            return Attribute.INTS;
        }
        if (a.getFloatsCount() > 0) {
            return Attribute.FLOATS;
        }
        if (a.hasT()) {
            return Attribute.TENSOR;
        }
        if (a.hasS()) {
            return Attribute.STRING;
        }
        return a.hasI() ? Attribute.INT : a.hasF() ? Attribute.FLOAT : 0;
    }

    private static Tensor tensor(TensorProto t, ExternalData external) {
        String name = t.getName();
        long[] shape = new long[t.getDimsCount()];
        long count = 1;
        for (int k = 0; k < shape.length; k++) {
            long d = t.getDims(k);
            shape[k] = d;
            if (d < 0) {
                throw new ProtoFormatException("tensor '" + name + "' has a negative dimension " + t.getDimsList());
            }
            count = d > Integer.MAX_VALUE ? Long.MAX_VALUE : Math.min(count * d, Long.MAX_VALUE / 2);
            if (count > Integer.MAX_VALUE) {
                throw new ProtoFormatException("tensor '" + name + "' has " + t.getDimsList() + " = too many elements");
            }
        }
        ByteBuffer raw = isExternal(t) ? external.read(name, t.getExternalDataList(), count * externalWidth(t))
                : t.hasRawData() ? t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN) : null;
        if (t.getDataType() == Tensor.FLOAT) {
            float[] floats = new float[raw != null ? rawCount(t, raw, count, 4) : t.getFloatDataCount()];
            if (raw != null) {
                raw.asFloatBuffer().get(floats);
            } else {
                for (int k = 0; k < floats.length; k++) {
                    floats[k] = t.getFloatData(k);
                }
            }
            requireCount(t, count, floats.length);
            return new Tensor(name, Tensor.FLOAT, shape, floats, null, raw != null);
        }
        if (t.getDataType() == Tensor.INT64) {
            long[] longs = new long[raw != null ? rawCount(t, raw, count, 8) : t.getInt64DataCount()];
            if (raw != null) {
                raw.asLongBuffer().get(longs);
            } else {
                for (int k = 0; k < longs.length; k++) {
                    longs[k] = t.getInt64Data(k);
                }
            }
            requireCount(t, count, longs.length);
            return new Tensor(name, Tensor.INT64, shape, null, longs, raw != null);
        }
        int width = Tensor.narrowIntegerWidth(t.getDataType());
        if (width > 0) {
            return new Tensor(name, t.getDataType(), shape, null, narrowIntegers(t, count, width, raw), raw != null);
        }
        return new Tensor(name, t.getDataType(), shape, null, null, raw != null);
    }

    /**
     * Whether {@code t} keeps its data in an external file (data_location EXTERNAL). An unknown data_location code (it
     * lands among the unknown fields), external_data entries without EXTERNAL, and an external tensor that also holds
     * values of its own are refused.
     */
    private static boolean isExternal(TensorProto t) {
        String name = "tensor '" + t.getName() + "'";
        if (t.getUnknownFields().hasField(TensorProto.DATA_LOCATION_FIELD_NUMBER)) {
            throw new ProtoFormatException(name + " has an unknown data_location; only DEFAULT and EXTERNAL are read");
        }
        boolean external = t.getDataLocation() == TensorProto.DataLocation.EXTERNAL;
        if (!external && t.getExternalDataCount() > 0) {
            throw new ProtoFormatException(name + " has external_data entries but its data_location is not EXTERNAL");
        }
        if (external && (t.hasRawData() || t.getFloatDataCount() + t.getInt32DataCount() + t.getInt64DataCount() > 0)) {
            throw new ProtoFormatException(name + " keeps its data in an external file and in the model too");
        }
        return external;
    }

    /** The byte width of one element of an external tensor (its raw little-endian encoding); refuses other types. */
    private static long externalWidth(TensorProto t) {
        return switch (t.getDataType()) {
            case Tensor.FLOAT, 12 /* UINT32 */ -> 4;
            case Tensor.INT64, 11 /* DOUBLE */, 13 /* UINT64 */ -> 8;
            case 10 /* FLOAT16 */, 16 /* BFLOAT16 */ -> 2;
            default -> {
                int narrow = Tensor.narrowIntegerWidth(t.getDataType());
                if (narrow > 0) {
                    yield narrow;
                }
                throw new ProtoFormatException("tensor '" + t.getName() + "' of data type " + t.getDataType()
                        + " keeps its data in an external file; only numeric tensors can");
            }
        };
    }

    /** The values of a BOOL, INT8, UINT8, INT16, UINT16 or INT32 tensor (int32_data or raw bytes of their width). */
    private static long[] narrowIntegers(TensorProto t, long count, int width, ByteBuffer raw) {
        boolean unsigned = t.getDataType() == Tensor.UINT8 || t.getDataType() == Tensor.UINT16 || t.getDataType() == Tensor.BOOL;
        long[] longs = new long[raw != null ? rawCount(t, raw, count, width) : t.getInt32DataCount()];
        for (int k = 0; k < longs.length; k++) {
            if (raw == null) {
                longs[k] = t.getInt32Data(k);
            } else {
                longs[k] = switch (width) {
                    case 1 -> unsigned ? Byte.toUnsignedLong(raw.get()) : raw.get();
                    case 2 -> unsigned ? Short.toUnsignedLong(raw.getShort()) : raw.getShort();
                    default -> raw.getInt();
                };
            }
        }
        requireCount(t, count, longs.length);
        return longs;
    }

    /** The {@code count} values of {@code width} bytes that {@code raw} must hold exactly. */
    private static int rawCount(TensorProto t, ByteBuffer raw, long count, int width) {
        if (raw.remaining() != count * width) {
            throw new ProtoFormatException("tensor '" + t.getName() + "' needs " + count * width + " bytes of raw data, found "
                    + raw.remaining());
        }
        return (int) count;
    }

    private static void requireCount(TensorProto t, long count, int found) {
        if (found != count) {
            throw new ProtoFormatException("tensor '" + t.getName() + "' has dims " + t.getDimsList() + " (" + count
                    + " values) but holds " + found);
        }
    }

    private static ValueInfo valueInfo(ValueInfoProto v) {
        // getTensorType() is the empty default when the type is absent or not a tensor: element type 0, no shape
        TypeProto.Tensor type = v.getType().getTensorType();
        List<Dimension> dims = type.hasShape() ? map(type.getShape().getDimList(),
                d -> new Dimension(d.hasDimValue() ? d.getDimValue() : -1, d.hasDimParam() ? d.getDimParam() : null)) : null;
        return new ValueInfo(v.getName(), type.getElemType(), dims);
    }
}
