package dev.defensebench.onnx.interp;

import dev.defensebench.onnx.graph.Node;

/** A node the interpreter cannot run (its operator, or an attribute value of it); names the node. */
public final class UnsupportedNodeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Node node;

    public UnsupportedNodeException(Node node, String why) {
        super("node " + node.describe() + ": " + why);
        this.node = node;
    }

    /** The node that could not run. */
    public Node node() {
        return node;
    }
}
