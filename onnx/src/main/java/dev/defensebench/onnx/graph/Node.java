package dev.defensebench.onnx.graph;

import java.util.List;

/** An ONNX NodeProto: one operator application. An empty input name means an omitted optional input. */
public record Node(String name, String opType, String domain, List<String> inputs, List<String> outputs,
        List<Attribute> attributes) {

    public Node {
        name = name == null ? "" : name;
        domain = domain == null ? "" : domain;
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        attributes = List.copyOf(attributes);
    }

    /** The attribute called {@code name}, or null. */
    public Attribute attribute(String name) {
        for (Attribute a : attributes) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        return null;
    }

    /** How the node is named in messages: its name when it has one, and its operator. */
    public String describe() {
        return (name.isEmpty() ? "" : "'" + name + "' ") + "(" + (domain.isEmpty() ? "" : domain + ".") + opType + ")";
    }
}
