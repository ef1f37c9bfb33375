package dev.defensebench.onnx.interp;

import dev.defensebench.onnx.graph.Graph;
import dev.defensebench.onnx.graph.Model;
import dev.defensebench.onnx.graph.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * A fixture model with one node turned into an operator the interpreter lacks (ONNX Runtime runs it: Hardmax over
 * the logits keeps the output's shape), for the tests of the black-box fallback.
 */
public final class UnsupportedFixture {

    /** The operator put in: a standard ONNX operator outside the interpreter's set. */
    public static final String OPERATOR = "Hardmax";

    private UnsupportedFixture() {}

    /** {@code model} with a Hardmax node appended after its output (the output renamed through it). */
    public static Model withUnknownOperator(Model model) {
        Graph g = model.graph();
        String out = g.outputs().get(0).name();
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            nodes.add(new Node(n.name(), n.opType(), n.domain(), n.inputs(),
                    n.outputs().stream().map(o -> o.equals(out) ? "pre_" + out : o).toList(), n.attributes()));
        }
        nodes.add(new Node("hardmax_node", OPERATOR, "", List.of("pre_" + out), List.of(out), List.of()));
        return new Model(model.irVersion(), model.opsets(), model.producerName(), model.producerVersion(),
                new Graph(g.name(), nodes, g.initializers(), g.inputs(), g.outputs()), model.metadata());
    }

    /** The bytes of fixture {@code name} with the Hardmax node added. */
    public static byte[] onnx(String name) {
        return dev.defensebench.onnx.graph.OnnxCodec.encode(withUnknownOperator(PyTorchFixture.named(name).model()));
    }
}
