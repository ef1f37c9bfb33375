package dev.defensebench.onnx.interp;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.defensebench.onnx.graph.Attribute;
import dev.defensebench.onnx.graph.Node;
import dev.defensebench.onnx.graph.Tensor;
import java.util.List;

/**
 * One application of an operator: the node, its input arrays (null for an omitted optional input), the
 * model's opset, the float type the graph runs in and whether the pass trains the weights.
 */
public final class OpCall {

    private final Node node;
    private final List<NDArray> inputs;
    private final long opset;
    private final DataType floatType;
    private final NDManager manager;
    private final boolean training;

    OpCall(Node node, List<NDArray> inputs, long opset, DataType floatType, NDManager manager, boolean training) {
        this.node = node;
        this.inputs = inputs;
        this.opset = opset;
        this.floatType = floatType;
        this.manager = manager;
        this.training = training;
    }

    /**
     * Whether the pass trains the graph's weights (a trainable block's forward in training mode): BatchNormalization
     * then normalises with the batch's statistics and updates its running ones. Always false for an imported model
     * that is only scored.
     */
    public boolean training() {
        return training;
    }

    /** The node being run. */
    public Node node() {
        return node;
    }

    /** The version of the default ONNX operator set the model imports. */
    public long opset() {
        return opset;
    }

    /** FLOAT32 or FLOAT64: the type float tensors of this graph have. */
    public DataType floatType() {
        return floatType;
    }

    /** Input {@code i}; an absent required input is an error naming the node. */
    public NDArray in(int i) {
        if (!has(i)) {
            throw unsupported("input " + i + " is missing");
        }
        return inputs.get(i);
    }

    /** Whether input {@code i} is given (not omitted). */
    public boolean has(int i) {
        return i < inputs.size() && inputs.get(i) != null;
    }

    /** How many inputs the node lists (omitted ones included). */
    public int inputCount() {
        return inputs.size();
    }

    /** The manager new arrays are created on: the forward pass's input's (or the weights', when folding constants). */
    public NDManager manager() {
        return manager;
    }

    /** Input {@code i} read as integers (shapes, axes, pads). */
    public long[] longs(int i) {
        NDArray a = in(i);
        return a.getDataType() == DataType.INT64 ? a.toLongArray() : a.toType(DataType.INT64, false).toLongArray();
    }

    /** Input {@code i}, a one-element tensor, read as a double. */
    public double scalar(int i) {
        return in(i).toType(DataType.FLOAT64, false).toDoubleArray()[0];
    }

    /** An INT attribute, or {@code fallback} when absent. */
    public long attrInt(String name, long fallback) {
        Attribute a = node.attribute(name);
        return a == null ? fallback : a.i();
    }

    /** A FLOAT attribute, or {@code fallback} when absent. */
    public float attrFloat(String name, float fallback) {
        Attribute a = node.attribute(name);
        return a == null ? fallback : a.f();
    }

    /** An INTS attribute, or {@code fallback} (may be null) when absent. */
    public long[] attrInts(String name, long[] fallback) {
        Attribute a = node.attribute(name);
        return a == null || a.ints() == null ? fallback : a.ints();
    }

    /** A STRING attribute, or {@code fallback} when absent. */
    public String attrString(String name, String fallback) {
        Attribute a = node.attribute(name);
        return a == null || a.s() == null ? fallback : a.s();
    }

    /** A TENSOR attribute, or null when absent. */
    public Tensor attrTensor(String name) {
        Attribute a = node.attribute(name);
        return a == null ? null : a.t();
    }

    /** Whether the node has the attribute. */
    public boolean hasAttr(String name) {
        return node.attribute(name) != null;
    }

    /** An array holding {@code t}'s values on this call's manager (floats in the graph's float type). */
    public NDArray constant(Tensor t) {
        return Constants.toArray(t, manager(), floatType, node);
    }

    /** An error naming this node. */
    public UnsupportedNodeException unsupported(String why) {
        return new UnsupportedNodeException(node, why);
    }

    /** The integer list from input {@code index} (newer opsets) or attribute {@code attr} (older ones), or null. */
    public long[] inputOrAttr(int index, String attr) {
        return has(index) ? longs(index) : attrInts(attr, null);
    }

    /** {@code axis} made non-negative for a tensor of {@code rank} dimensions. */
    public int axis(long axis, int rank) {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) {
            throw unsupported("axis " + axis + " is out of range for rank " + rank);
        }
        return (int) a;
    }

    /** One output. */
    public static NDList of(NDArray a) {
        return new NDList(a);
    }
}
