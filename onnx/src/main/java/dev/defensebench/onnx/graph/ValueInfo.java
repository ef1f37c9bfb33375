package dev.defensebench.onnx.graph;

import java.util.List;

/**
 * An ONNX ValueInfoProto for a tensor: name, element type and shape.
 *
 * @param name the value's name
 * @param elemType the TensorProto.DataType of its elements (0 when not a tensor or unknown)
 * @param dims the shape, or null when the file gives none
 */
public record ValueInfo(String name, int elemType, List<Dimension> dims) {

    public ValueInfo {
        dims = dims == null ? null : List.copyOf(dims);
    }

    /** The shape as text, e.g. [batch, 1, 28, 28]. */
    public String shapeText() {
        return dims == null ? "(no shape)" : dims.toString();
    }
}
