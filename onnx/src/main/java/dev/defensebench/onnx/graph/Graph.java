package dev.defensebench.onnx.graph;

import java.util.List;

/**
 * An ONNX GraphProto: nodes in topological order, the weights (initializers) and the graph's inputs
 * and outputs.
 */
public record Graph(String name, List<Node> nodes, List<Tensor> initializers, List<ValueInfo> inputs,
        List<ValueInfo> outputs) {

    public Graph {
        nodes = List.copyOf(nodes);
        initializers = List.copyOf(initializers);
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** The initializer called {@code name}, or null. */
    public Tensor initializer(String name) {
        for (Tensor t : initializers) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** The graph inputs that are not initializers (older exporters list weights as inputs too). */
    public List<ValueInfo> dataInputs() {
        return inputs.stream().filter(v -> initializer(v.name()) == null).toList();
    }
}
