package dev.defensebench.onnx.graph;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which output of a graph with several outputs is the classifier's: the one named by the entry's {@code output}
 * key, else the only FLOAT output shaped [batch, classes]. {@link #select} keeps that output alone and drops the nodes
 * only the others need, so the rest of the project sees a one-output graph.
 */
public final class ClassifierOutput {

    private ClassifierOutput() {}

    /**
     * The classifier output's name. {@code requested} (null: choose) must be one of the graph's outputs; otherwise
     * the only output of element type FLOAT and rank 2 whose last dimension is {@code numClasses} (or unknown; any
     * when {@code numClasses} ≤ 0). A missing or ambiguous choice is an {@link IllegalArgumentException} listing
     * the outputs.
     */
    public static String choose(Graph g, String requested, int numClasses) {
        List<String> names = g.outputs().stream().map(ValueInfo::name).toList();
        if (requested != null) {
            if (!names.contains(requested)) {
                throw new IllegalArgumentException("the graph has no output '" + requested + "'; its outputs are " + names);
            }
            return requested;
        }
        if (names.size() == 1) {
            return names.get(0);
        }
        List<String> fitting = new ArrayList<>();
        for (ValueInfo v : g.outputs()) {
            if (v.elemType() == Tensor.FLOAT && v.dims() != null && v.dims().size() == 2 && (numClasses <= 0
                    || !v.dims().get(1).isFixed() || v.dims().get(1).value() == numClasses)) {
                fitting.add(v.name());
            }
        }
        if (fitting.size() != 1) {
            throw new IllegalArgumentException("the graph has " + names.size() + " outputs " + describe(g) + " and "
                    + (fitting.isEmpty() ? "none" : fitting.size() + " " + fitting) + " of them a FLOAT [batch, "
                    + (numClasses > 0 ? numClasses : "classes") + "] tensor; name the classifier output with the entry's "
                    + "'output' key");
        }
        return fitting.get(0);
    }

    /** {@code model} with {@code output} its only output and only the nodes that output depends on. */
    public static Model select(Model model, String output) {
        Graph g = model.graph();
        if (g.outputs().size() == 1 && g.outputs().get(0).name().equals(output)) {
            return model;
        }
        ValueInfo kept = g.outputs().stream().filter(v -> v.name().equals(output)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the graph has no output '" + output + "'"));
        Set<String> needed = new HashSet<>(Set.of(output));
        List<Node> nodes = new ArrayList<>(g.nodes());
        List<Node> live = new ArrayList<>();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (n.outputs().stream().anyMatch(needed::contains)) {
                live.add(0, n);
                n.inputs().stream().filter(s -> !s.isEmpty()).forEach(needed::add);
            }
        }
        List<Tensor> initializers = g.initializers().stream().filter(t -> needed.contains(t.name())).toList();
        List<ValueInfo> inputs = g.inputs().stream()
                .filter(v -> needed.contains(v.name()) || g.initializer(v.name()) == null).toList();
        return new Model(model.irVersion(), model.opsets(), model.producerName(), model.producerVersion(),
                new Graph(g.name(), live, initializers, inputs, List.of(kept)), model.metadata());
    }

    private static String describe(Graph g) {
        return g.outputs().stream().map(v -> v.name() + " " + v.shapeText()).toList().toString();
    }
}
