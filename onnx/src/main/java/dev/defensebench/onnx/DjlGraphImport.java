package dev.defensebench.onnx;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import dev.defensebench.onnx.graph.Attribute;
import dev.defensebench.onnx.graph.Graph;
import dev.defensebench.onnx.graph.Node;
import dev.defensebench.onnx.graph.OpsetId;
import dev.defensebench.onnx.graph.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds an ONNX graph as a DJL network when it is a single chain of the operators the exporter
 * writes (Conv, MaxPool, AveragePool, Relu, Flatten or Reshape to [0,-1], MatMul with an optional Add,
 * Gemm, Identity) with constant weights, so that white-box attacks can use its gradients. Anything else
 * yields a reason instead of a network; the caller then scores the file through ONNX Runtime.
 */
public final class DjlGraphImport {

    /** A rebuilt network, or the reason it could not be rebuilt. */
    public record Result(Block block, String reason) {

        /** Whether the graph was rebuilt. */
        public boolean succeeded() {
            return block != null;
        }
    }

    /** One DJL block and the parameter values to load into it once initialised. */
    private record Layer(Block block, Map<String, float[]> values) {}

    private static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;

        Unsupported(String message) {
            super(message);
        }
    }

    private final Graph graph;
    private final List<Layer> layers = new ArrayList<>();

    private DjlGraphImport(Graph graph) {
        this.graph = graph;
    }

    /**
     * Rebuilds {@code graph} (whose single data input takes samples of {@code sampleShape}) and
     * initialises it on {@code manager} with the graph's weights, in {@code type} (FLOAT32 or FLOAT64).
     */
    public static Result build(Graph graph, Shape sampleShape, NDManager manager, DataType type) {
        DjlGraphImport importer = new DjlGraphImport(graph);
        try {
            importer.chain();
        } catch (Unsupported e) {
            return new Result(null, e.getMessage());
        }
        SequentialBlock block = new SequentialBlock();
        importer.layers.forEach(l -> block.add(l.block()));
        try {
            block.initialize(manager, type, new Shape(1).addAll(sampleShape));
        } catch (RuntimeException e) {
            return new Result(null, "DJL cannot build the chain for input " + sampleShape + ": " + e.getMessage());
        }
        for (Layer layer : importer.layers) {
            for (var pair : layer.block().getParameters()) {
                Parameter p = pair.getValue();
                float[] values = layer.values().get(p.getName());
                long expected = p.getArray().getShape().size();
                if (values == null || values.length != expected) {
                    return new Result(null, "the weights do not fit DJL's parameter '" + p.getName() + "' of shape "
                            + p.getArray().getShape() + " (found " + (values == null ? "none" : values.length + " values") + ")");
                }
                if (type == DataType.FLOAT64) {
                    double[] wide = new double[values.length];
                    for (int k = 0; k < values.length; k++) {
                        wide[k] = values[k];
                    }
                    p.getArray().set(wide);
                } else {
                    p.getArray().set(values);
                }
            }
        }
        return new Result(block, null);
    }

    private void chain() throws Unsupported {
        if (graph.dataInputs().size() != 1 || graph.outputs().size() != 1) {
            throw new Unsupported("the graph has " + graph.dataInputs().size() + " data inputs and " + graph.outputs().size()
                    + " outputs (DJL import needs one of each)");
        }
        String current = graph.dataInputs().get(0).name();
        List<Node> nodes = graph.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (!OpsetId.isDefaultDomain(n.domain())) {
                throw new Unsupported("node " + n.describe() + " is not a standard ONNX operator");
            }
            if (n.inputs().isEmpty() || !n.inputs().get(0).equals(current) || n.outputs().size() != 1) {
                throw new Unsupported("node " + n.describe() + " does not continue a single chain from the input");
            }
            for (String other : n.inputs().subList(1, n.inputs().size())) {
                if (!other.isEmpty() && graph.initializer(other) == null) {
                    throw new Unsupported("node " + n.describe() + " takes '" + other + "', which is not a constant weight");
                }
            }
            switch (n.opType()) {
                case "Identity" -> { }
                case "Relu" -> layers.add(new Layer(Activation.reluBlock(), Map.of()));
                case "Flatten" -> {
                    if (intAttr(n, "axis", 1) != 1) {
                        throw new Unsupported("node " + n.describe() + " flattens from axis " + intAttr(n, "axis", 1) + ", only 1 is supported");
                    }
                    layers.add(new Layer(Blocks.batchFlattenBlock(), Map.of()));
                }
                case "Reshape" -> {
                    long[] shape = longs(n, 1);
                    if (!Arrays.equals(shape, new long[] {0, -1}) || intAttr(n, "allowzero", 0) != 0) {
                        throw new Unsupported("node " + n.describe() + " reshapes to " + Arrays.toString(shape) + ", only [0, -1] is supported");
                    }
                    layers.add(new Layer(Blocks.batchFlattenBlock(), Map.of()));
                }
                case "Conv" -> conv(n);
                case "MaxPool", "AveragePool" -> pool(n);
                case "MatMul" -> {
                    Tensor w = weight(n, 1, 2);
                    float[] bias = null;
                    if (i + 1 < nodes.size() && nodes.get(i + 1).opType().equals("Add")
                            && nodes.get(i + 1).inputs().size() == 2 && nodes.get(i + 1).inputs().contains(n.outputs().get(0))) {
                        Node add = nodes.get(i + 1);
                        String other = add.inputs().get(0).equals(n.outputs().get(0)) ? add.inputs().get(1) : add.inputs().get(0);
                        Tensor b = graph.initializer(other);
                        if (b != null && b.floats() != null && b.elementCount() == w.dims()[1] && b.dims().length == 1) {
                            bias = b.floats();
                            n = add;
                            i++;
                        }
                    }
                    linear(n, transpose(w.floats(), (int) w.dims()[0], (int) w.dims()[1]), (int) w.dims()[1], bias);
                }
                case "Gemm" -> {
                    if (floatAttr(n, "alpha", 1f) != 1f || floatAttr(n, "beta", 1f) != 1f || intAttr(n, "transA", 0) != 0) {
                        throw new Unsupported("node " + n.describe() + " uses alpha/beta/transA other than 1/1/0");
                    }
                    Tensor w = weight(n, 1, 2);
                    boolean transB = intAttr(n, "transB", 0) == 1;
                    int units = (int) (transB ? w.dims()[0] : w.dims()[1]);
                    float[] weight = transB ? w.floats() : transpose(w.floats(), (int) w.dims()[0], (int) w.dims()[1]);
                    float[] bias = null;
                    if (n.inputs().size() > 2 && !n.inputs().get(2).isEmpty()) {
                        Tensor c = weight(n, 2, 1);
                        if (c.elementCount() != units) {
                            throw new Unsupported("node " + n.describe() + " has a bias of " + c.elementCount() + " values for " + units + " units");
                        }
                        bias = c.floats();
                    }
                    linear(n, weight, units, bias);
                }
                default -> throw new Unsupported("operator " + n.opType() + " (node " + n.describe() + ") has no DJL counterpart here");
            }
            current = n.outputs().get(0);
        }
        if (!current.equals(graph.outputs().get(0).name())) {
            throw new Unsupported("the chain ends in '" + current + "', not in the graph output '" + graph.outputs().get(0).name() + "'");
        }
    }

    private void linear(Node n, float[] weight, int units, float[] bias) {
        float[] b = bias != null ? bias : new float[units];
        layers.add(new Layer(Linear.builder().setUnits(units).build(), Map.of("weight", weight, "bias", b)));
    }

    private void conv(Node n) throws Unsupported {
        Tensor w = weight(n, 1, 4);
        long[] k = ints(n, "kernel_shape", new long[] {w.dims()[2], w.dims()[3]});
        long[] strides = ints(n, "strides", new long[] {1, 1});
        long[] dilations = ints(n, "dilations", new long[] {1, 1});
        long[] pads = symmetricPads(n);
        requireNoAutoPad(n);
        if (k[0] != w.dims()[2] || k[1] != w.dims()[3]) {
            throw new Unsupported("node " + n.describe() + ": kernel_shape " + Arrays.toString(k) + " disagrees with the weight");
        }
        int groups = (int) intAttr(n, "group", 1);
        float[] bias = null;
        if (n.inputs().size() > 2 && !n.inputs().get(2).isEmpty()) {
            bias = weight(n, 2, 1).floats();
        }
        Conv2d conv = Conv2d.builder().setKernelShape(new Shape(k)).optStride(new Shape(strides)).optPadding(new Shape(pads))
                .optDilation(new Shape(dilations)).optGroups(groups).setFilters((int) w.dims()[0]).optBias(bias != null).build();
        layers.add(new Layer(conv, bias == null ? Map.of("weight", w.floats()) : Map.of("weight", w.floats(), "bias", bias)));
    }

    private void pool(Node n) throws Unsupported {
        long[] k = ints(n, "kernel_shape", null);
        if (k == null || k.length != 2) {
            throw new Unsupported("node " + n.describe() + " is not a 2-D pooling");
        }
        long[] strides = ints(n, "strides", new long[] {1, 1});
        long[] pads = symmetricPads(n);
        requireNoAutoPad(n);
        boolean ceil = intAttr(n, "ceil_mode", 0) == 1;
        long[] dilations = ints(n, "dilations", new long[] {1, 1});
        if (dilations[0] != 1 || dilations[1] != 1 || intAttr(n, "storage_order", 0) != 0 || n.outputs().size() != 1) {
            throw new Unsupported("node " + n.describe() + " uses dilations, storage_order or an indices output");
        }
        Block block = n.opType().equals("MaxPool")
                ? Pool.maxPool2dBlock(new Shape(k), new Shape(strides), new Shape(pads), ceil)
                : Pool.avgPool2dBlock(new Shape(k), new Shape(strides), new Shape(pads), ceil, intAttr(n, "count_include_pad", 0) == 1);
        layers.add(new Layer(block, Map.of()));
    }

    private static void requireNoAutoPad(Node n) throws Unsupported {
        Attribute a = n.attribute("auto_pad");
        if (a != null && a.s() != null && !a.s().equals("NOTSET")) {
            throw new Unsupported("node " + n.describe() + " uses auto_pad " + a.s());
        }
    }

    private static long[] symmetricPads(Node n) throws Unsupported {
        long[] pads = ints(n, "pads", new long[] {0, 0, 0, 0});
        if (pads.length != 4 || pads[0] != pads[2] || pads[1] != pads[3]) {
            throw new Unsupported("node " + n.describe() + " pads " + Arrays.toString(pads) + " (DJL needs symmetric 2-D padding)");
        }
        return new long[] {pads[0], pads[1]};
    }

    private Tensor weight(Node n, int index, int rank) throws Unsupported {
        if (n.inputs().size() <= index) {
            throw new Unsupported("node " + n.describe() + " lacks input " + index);
        }
        Tensor t = graph.initializer(n.inputs().get(index));
        if (t == null || t.dataType() != Tensor.FLOAT || t.floats() == null || t.dims().length != rank) {
            throw new Unsupported("node " + n.describe() + ": input " + index + " is not a FLOAT constant of rank " + rank);
        }
        return t;
    }

    private long[] longs(Node n, int index) throws Unsupported {
        Tensor t = n.inputs().size() > index ? graph.initializer(n.inputs().get(index)) : null;
        if (t == null || t.longs() == null) {
            throw new Unsupported("node " + n.describe() + ": input " + index + " is not an INT64 constant");
        }
        return t.longs();
    }

    private static long intAttr(Node n, String name, long fallback) {
        Attribute a = n.attribute(name);
        return a == null ? fallback : a.i();
    }

    private static float floatAttr(Node n, String name, float fallback) {
        Attribute a = n.attribute(name);
        return a == null ? fallback : a.f();
    }

    private static long[] ints(Node n, String name, long[] fallback) {
        Attribute a = n.attribute(name);
        return a == null || a.ints() == null ? fallback : a.ints();
    }

    private static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }
}
