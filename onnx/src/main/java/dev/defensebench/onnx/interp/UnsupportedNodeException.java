package dev.defensebench.onnx.interp;

import dev.defensebench.onnx.graph.Node;

/** A node the interpreter cannot run (its operator, or an attribute value of it); names the node. */
public final class UnsupportedNodeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String opType;
    private final String nodeName;

    public UnsupportedNodeException(Node node, String why) {
        super("node " + node.describe() + ": " + why);
        this.opType = node.opType();
        this.nodeName = node.name();
    }

    /** The operator of the node that could not run. */
    public String opType() {
        return opType;
    }

    /** The name of the node that could not run (may be empty). */
    public String nodeName() {
        return nodeName;
    }
}
