package dev.defensebench.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import dev.defensebench.onnx.graph.Attribute;
import dev.defensebench.onnx.graph.Dimension;
import dev.defensebench.onnx.graph.Graph;
import dev.defensebench.onnx.graph.Model;
import dev.defensebench.onnx.graph.Node;
import dev.defensebench.onnx.graph.OpsetId;
import dev.defensebench.onnx.graph.Tensor;
import dev.defensebench.onnx.graph.ValueInfo;
import dev.defensebench.model.ChannelsLast;
import dev.defensebench.model.ResidualSum;
import dev.defensebench.onnx.interp.OnnxGraphBlock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns an initialised DJL network into an ONNX model (opset {@value #OPSET}) by walking its blocks:
 * {@link SequentialBlock}s of {@link Linear} (MatMul + Add), {@link Conv2d} (Conv), max and average
 * 2-D pooling (MaxPool, AveragePool), global average pooling (GlobalAveragePool), ReLU (Relu), batch
 * flattening (Reshape to [0, -1]), BatchNorm in inference form (BatchNormalization with the running statistics)
 * and {@link ResidualSum} (its two paths and an Add; the residual networks). The input
 * is {@value #INPUT} {@code [batch, C, H, W]} and the output {@value #OUTPUT} {@code [batch, classes]},
 * with a symbolic batch dimension. Any other block is refused with its name.
 */
public final class OnnxExporter {

    /** The ONNX operator set the exporter writes. */
    public static final int OPSET = 13;
    /** The IR version that goes with opset 13. */
    public static final int IR_VERSION = 7;
    /** The graph input's name. */
    public static final String INPUT = "input";
    /** The graph output's name. */
    public static final String OUTPUT = "logits";
    /** The symbolic name of the batch dimension. */
    public static final String BATCH = "batch";
    /** The blocks the exporter understands, for error messages. */
    public static final String SUPPORTED = "SequentialBlock, Linear, Conv2d, maxPool2d, avgPool2d, globalAvgPool2d, ReLU, "
            + "batchFlatten, identity, BatchNorm (inference: running statistics), ResidualSum, ChannelsLast";

    private final List<Node> nodes = new ArrayList<>();
    private final List<Tensor> initializers = new ArrayList<>();
    private int counter;

    private OnnxExporter() {}

    /**
     * The ONNX model of {@code block} for samples of {@code sampleShape} and {@code numClasses} outputs. An
     * imported graph (a fine-tuned {@link OnnxGraphBlock}) is written back as it was read, with its trained weights
     * and the metadata added.
     *
     * @param producerVersion recorded as the producer's version
     * @param metadata key/value pairs stored as metadata_props (e.g. the preprocessing)
     */
    public static Model export(Block block, Shape sampleShape, int numClasses, String producerVersion,
            Map<String, String> metadata) {
        if (!block.isInitialized()) {
            throw new IllegalArgumentException("the network is not initialised: nothing to export");
        }
        if (block instanceof OnnxGraphBlock imported) {
            return imported.withCurrentWeights(metadata);
        }
        OnnxExporter exporter = new OnnxExporter();
        String last = exporter.walk(block, INPUT, "");
        exporter.nodes.add(new Node("output", "Identity", "", List.of(last), List.of(OUTPUT), List.of()));
        List<Dimension> inputDims = new ArrayList<>();
        inputDims.add(Dimension.named(BATCH));
        for (long d : sampleShape.getShape()) {
            inputDims.add(Dimension.of(d));
        }
        Graph graph = new Graph("defense-bench", exporter.nodes, exporter.initializers,
                List.of(new ValueInfo(INPUT, Tensor.FLOAT, inputDims)),
                List.of(new ValueInfo(OUTPUT, Tensor.FLOAT, List.of(Dimension.named(BATCH), Dimension.of(numClasses)))));
        return new Model(IR_VERSION, List.of(new OpsetId("", OPSET)), "defense-bench", producerVersion, graph, metadata);
    }

    private String walk(Block block, String in, String path) {
        if (block instanceof SequentialBlock) {
            String current = in;
            int i = 0;
            for (Block child : block.getChildren().values()) {
                current = walk(child, current, path + (path.isEmpty() ? "" : ".") + i++);
            }
            return current;
        }
        if (block instanceof Linear) {
            return linear(block, in, path);
        }
        if (block instanceof Conv2d conv) {
            return conv(conv, in, path);
        }
        if (block instanceof ResidualSum sum) {
            return residual(sum, in, path);
        }
        if (block instanceof BatchNorm norm) {
            return batchNorm(norm, in, path);
        }
        if (block instanceof ChannelsLast) {
            return in; // a memory layout, not an operation
        }
        if (block instanceof LambdaBlock lambda) {
            return lambda(lambda, in, path);
        }
        throw new IllegalArgumentException("cannot export block " + path + " of type " + block.getClass().getName()
                + "; supported: " + SUPPORTED);
    }

    private String linear(Block block, String in, String path) {
        NDArray w = parameter(block, "weight", path);
        long units = w.getShape().get(0);
        long features = w.getShape().get(1);
        String weight = path + ".weight_t";
        initializers.add(Tensor.ofFloats(weight, new long[] {features, units}, floats(w.transpose())));
        String product = add("MatMul", path + ".matmul", List.of(in, weight), List.of());
        NDArray b = optionalParameter(block, "bias");
        if (b == null) {
            return product;
        }
        String bias = path + ".bias";
        initializers.add(Tensor.ofFloats(bias, new long[] {units}, floats(b)));
        return add("Add", path + ".add", List.of(product, bias), List.of());
    }

    private String conv(Conv2d conv, String in, String path) {
        NDArray w = parameter(conv, "weight", path);
        String weight = path + ".weight";
        initializers.add(Tensor.ofFloats(weight, w.getShape().getShape(), floats(w)));
        List<String> inputs = new ArrayList<>(List.of(in, weight));
        NDArray b = conv.isIncludeBias() ? optionalParameter(conv, "bias") : null;
        if (b != null) {
            String bias = path + ".bias";
            initializers.add(Tensor.ofFloats(bias, b.getShape().getShape(), floats(b)));
            inputs.add(bias);
        }
        long[] pad = conv.getPadding().getShape();
        return add("Conv", path + ".conv", inputs, List.of(
                Attribute.ofInts("kernel_shape", conv.getKernelShape().getShape()),
                Attribute.ofInts("strides", conv.getStride().getShape()),
                Attribute.ofInts("pads", pad[0], pad[1], pad[0], pad[1]),
                Attribute.ofInts("dilations", conv.getDilation().getShape()),
                Attribute.ofInt("group", conv.getGroups())));
    }

    /** {@code a₀·shortcut(x) + a₁·branch(x)}; the products are left out where a weight is 1 (every plain ResNet). */
    private String residual(ResidualSum sum, String in, String path) {
        float[] a = floats(parameter(sum, "aggregation", path));
        String shortcut = scaled(walk(sum.shortcut(), in, path + ".shortcut"), a[0], path + ".shortcut");
        String branch = scaled(walk(sum.branch(), in, path + ".branch"), a[1], path + ".branch");
        return add("Add", path + ".sum", List.of(shortcut, branch), List.of());
    }

    private String scaled(String value, float weight, String path) {
        if (weight == 1f) {
            return value;
        }
        String factor = path + ".aggregation";
        initializers.add(Tensor.ofFloats(factor, new long[0], new float[] {weight}));
        return add("Mul", path + ".scale", List.of(value, factor), List.of());
    }

    /** Inference-mode BatchNorm over the channel axis: BatchNormalization with the running statistics. */
    private String batchNorm(BatchNorm norm, String in, String path) {
        List<String> inputs = new ArrayList<>(List.of(in));
        for (String name : List.of("gamma", "beta", "runningMean", "runningVar")) {
            NDArray value = parameter(norm, name, path);
            String initializer = path + "." + name;
            initializers.add(Tensor.ofFloats(initializer, value.getShape().getShape(), floats(value)));
            inputs.add(initializer);
        }
        return add("BatchNormalization", path + ".batchnorm", inputs,
                List.of(Attribute.ofFloat("epsilon", batchNormSetting(norm, "epsilon", path))));
    }

    /** A float setting of DJL's BatchNorm, which keeps them private (read by reflection); only axis 1 is exported. */
    private static float batchNormSetting(BatchNorm norm, String name, String path) {
        try {
            java.lang.reflect.Field axis = BatchNorm.class.getDeclaredField("axis");
            axis.setAccessible(true);
            if (axis.getInt(norm) != 1) {
                throw new IllegalArgumentException("cannot export BatchNorm " + path + " over axis " + axis.getInt(norm)
                        + ": ONNX normalises over axis 1 (the channels)");
            }
            java.lang.reflect.Field field = BatchNorm.class.getDeclaredField(name);
            field.setAccessible(true);
            return field.getFloat(norm);
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (e instanceof IllegalArgumentException refused) {
                throw refused;
            }
            throw new IllegalArgumentException("cannot read the " + name + " of BatchNorm " + path + " (" + e + ")", e);
        }
    }

    private String lambda(LambdaBlock block, String in, String path) {
        String name = block.getName();
        switch (name) {
            case "ReLU":
                return add("Relu", path + ".relu", List.of(in), List.of());
            case "identity":
                return in;
            case "globalAvgPool2d":
                return add("GlobalAveragePool", path + ".gap", List.of(in), List.of());
            case "batchFlatten": {
                String shape = path + ".shape";
                initializers.add(Tensor.ofLongs(shape, new long[] {2}, new long[] {0, -1}));
                return add("Reshape", path + ".flatten", List.of(in, shape), List.of());
            }
            case "maxPool2d":
            case "avgPool2d": {
                List<Object> args = LambdaArguments.of(block);
                boolean max = name.equals("maxPool2d");
                int expected = max ? 4 : 5;
                if (args.size() != expected || !(args.get(0) instanceof Shape kernel) || !(args.get(1) instanceof Shape stride)
                        || !(args.get(2) instanceof Shape padding) || !(args.get(3) instanceof Boolean ceil)) {
                    throw new IllegalArgumentException("cannot read the settings of DJL block " + path + " '" + name
                            + "': expected (kernel, stride, padding, ceilMode" + (max ? "" : ", countIncludePad") + "), found " + args);
                }
                long[] p = padding.getShape();
                List<Attribute> attributes = new ArrayList<>(List.of(
                        Attribute.ofInts("kernel_shape", kernel.getShape()),
                        Attribute.ofInts("strides", stride.getShape()),
                        Attribute.ofInts("pads", p[0], p[1], p[0], p[1]),
                        Attribute.ofInt("ceil_mode", ceil ? 1 : 0)));
                if (!max) {
                    attributes.add(Attribute.ofInt("count_include_pad", Boolean.TRUE.equals(args.get(4)) ? 1 : 0));
                }
                return add(max ? "MaxPool" : "AveragePool", path + (max ? ".maxpool" : ".avgpool"), List.of(in), attributes);
            }
            default:
                throw new IllegalArgumentException("cannot export block " + path + " (LambdaBlock '" + name
                        + "'); supported: " + SUPPORTED);
        }
    }

    private String add(String op, String name, List<String> inputs, List<Attribute> attributes) {
        String out = "t" + counter++;
        nodes.add(new Node(name, op, "", inputs, List.of(out), attributes));
        return out;
    }

    private static NDArray parameter(Block block, String name, String path) {
        NDArray a = optionalParameter(block, name);
        if (a == null) {
            throw new IllegalArgumentException("block " + path + " has no initialised parameter '" + name + "'");
        }
        return a;
    }

    private static NDArray optionalParameter(Block block, String name) {
        for (var pair : block.getParameters()) {
            if (pair.getKey().equals(name) || pair.getKey().endsWith("_" + name)) {
                Parameter p = pair.getValue();
                return p.isInitialized() ? p.getArray() : null;
            }
        }
        return null;
    }

    private static float[] floats(NDArray a) {
        return a.toType(DataType.FLOAT32, false).flatten().toFloatArray();
    }
}
