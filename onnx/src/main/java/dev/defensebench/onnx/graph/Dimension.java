package dev.defensebench.onnx.graph;

/**
 * One dimension of a tensor shape: a fixed size, a named symbolic size (e.g. "batch"), or unknown.
 *
 * @param value the size, or -1 when not fixed
 * @param param the symbolic name, or null
 */
public record Dimension(long value, String param) {

    /** A fixed size. */
    public static Dimension of(long value) {
        return new Dimension(value, null);
    }

    /** A symbolic size. */
    public static Dimension named(String param) {
        return new Dimension(-1, param);
    }

    /** Whether the size is fixed. */
    public boolean isFixed() {
        return value >= 0;
    }

    @Override
    public String toString() {
        return isFixed() ? Long.toString(value) : param != null && !param.isEmpty() ? param : "?";
    }
}
