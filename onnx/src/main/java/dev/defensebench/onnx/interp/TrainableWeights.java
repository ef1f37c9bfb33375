package dev.defensebench.onnx.interp;

import ai.djl.nn.Parameter;
import dev.defensebench.onnx.graph.Graph;
import dev.defensebench.onnx.graph.Node;
import dev.defensebench.onnx.graph.Tensor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which float initializers of a graph a fine-tune trains, and as what. ONNX keeps a network's weights and its
 * buffers alike as initializers; what PyTorch would train are the weights and biases of the layers: Conv and
 * ConvTranspose (W, B), Gemm (A or B when stored, C), MatMul (a stored operand) and the bias {@code Add} that
 * follows a MatMul or Conv, the scale and bias of BatchNormalization, LayerNormalization, GroupNormalization and
 * InstanceNormalization, and PRelu's slope. BatchNormalization's mean and
 * variance are its running statistics (updated by training-mode passes, never by gradients). Every other
 * initializer (normalisation constants such as {@code (x − mean) / std}, shapes, Resize scales) stays frozen, as
 * a PyTorch buffer would.
 */
final class TrainableWeights {

    private static final Set<String> PRODUCES_BIASED = Set.of("MatMul", "Conv", "ConvTranspose");

    private TrainableWeights() {}

    /** The trainable and running-statistics initializers of {@code g} by name, in initializer order. */
    static Map<String, Parameter.Type> of(Graph g) {
        Map<String, String> producer = new HashMap<>();
        Map<String, String> alias = new HashMap<>();
        for (Node n : g.nodes()) {
            n.outputs().forEach(o -> producer.put(o, n.opType()));
            if (n.opType().equals("Identity") && !n.inputs().isEmpty()) {
                alias.put(n.outputs().get(0), n.inputs().get(0));
            }
        }
        Map<String, Parameter.Type> found = new HashMap<>();
        for (Node n : g.nodes()) {
            switch (n.opType()) {
                case "Conv", "ConvTranspose" -> {
                    mark(found, alias, n, 1, Parameter.Type.WEIGHT);
                    mark(found, alias, n, 2, Parameter.Type.BIAS);
                }
                case "Gemm" -> {
                    mark(found, alias, n, 0, Parameter.Type.WEIGHT);
                    mark(found, alias, n, 1, Parameter.Type.WEIGHT);
                    mark(found, alias, n, 2, Parameter.Type.BIAS);
                }
                case "MatMul" -> {
                    mark(found, alias, n, 0, Parameter.Type.WEIGHT);
                    mark(found, alias, n, 1, Parameter.Type.WEIGHT);
                }
                case "Add" -> {
                    for (int i = 0; i < Math.min(2, n.inputs().size()); i++) {
                        if (PRODUCES_BIASED.contains(producer.getOrDefault(n.inputs().get(1 - i), ""))) {
                            mark(found, alias, n, i, Parameter.Type.BIAS);
                        }
                    }
                }
                case "BatchNormalization" -> {
                    mark(found, alias, n, 1, Parameter.Type.GAMMA);
                    mark(found, alias, n, 2, Parameter.Type.BETA);
                    mark(found, alias, n, 3, Parameter.Type.RUNNING_MEAN);
                    mark(found, alias, n, 4, Parameter.Type.RUNNING_VAR);
                }
                case "LayerNormalization", "GroupNormalization", "InstanceNormalization" -> {
                    mark(found, alias, n, 1, Parameter.Type.GAMMA);
                    mark(found, alias, n, 2, Parameter.Type.BETA);
                }
                case "PRelu" -> mark(found, alias, n, 1, Parameter.Type.OTHER);
                default -> { }
            }
        }
        Map<String, Parameter.Type> ordered = new LinkedHashMap<>();
        for (Tensor t : g.initializers()) {
            Parameter.Type type = found.get(t.name());
            if (type != null && t.dataType() == Tensor.FLOAT && t.floats() != null) {
                ordered.put(t.name(), type);
            }
        }
        return ordered;
    }

    /** Whether a parameter of {@code type} is trained by gradients (running statistics are not). */
    static boolean learned(Parameter.Type type) {
        return type != Parameter.Type.RUNNING_MEAN && type != Parameter.Type.RUNNING_VAR;
    }

    /** Marks input {@code input} of {@code n}, followed back through Identity nodes (torch.onnx routes buffers so). */
    private static void mark(Map<String, Parameter.Type> found, Map<String, String> alias, Node n, int input,
            Parameter.Type type) {
        if (input < n.inputs().size() && !n.inputs().get(input).isEmpty()) {
            String name = n.inputs().get(input);
            for (int hops = 0; alias.containsKey(name) && hops < alias.size(); hops++) {
                name = alias.get(name);
            }
            found.putIfAbsent(name, type);
        }
    }
}
