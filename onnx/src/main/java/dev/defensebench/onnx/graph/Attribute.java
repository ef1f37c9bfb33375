package dev.defensebench.onnx.graph;

/**
 * An ONNX AttributeProto. The scalar, list and tensor kinds carry a value here; other kinds (sub-graphs,
 * ...) are kept by type only, enough to refuse them.
 *
 * @param name the attribute's name
 * @param type the AttributeType code (FLOAT 1, INT 2, STRING 3, FLOATS 6, INTS 7, ...)
 * @param f the value of a FLOAT attribute
 * @param i the value of an INT attribute
 * @param s the value of a STRING attribute (or null)
 * @param floats the value of a FLOATS attribute (or null)
 * @param ints the value of an INTS attribute (or null)
 * @param t the value of a TENSOR attribute (or null)
 */
public record Attribute(String name, int type, float f, long i, String s, float[] floats, long[] ints, Tensor t) {

    /** AttributeType FLOAT. */
    public static final int FLOAT = 1;
    /** AttributeType INT. */
    public static final int INT = 2;
    /** AttributeType STRING. */
    public static final int STRING = 3;
    /** AttributeType TENSOR. */
    public static final int TENSOR = 4;
    /** AttributeType FLOATS. */
    public static final int FLOATS = 6;
    /** AttributeType INTS. */
    public static final int INTS = 7;

    /** An INT attribute. */
    public static Attribute ofInt(String name, long value) {
        return new Attribute(name, INT, 0, value, null, null, null, null);
    }

    /** An INTS attribute. */
    public static Attribute ofInts(String name, long... values) {
        return new Attribute(name, INTS, 0, 0, null, null, values.clone(), null);
    }

    /** A FLOAT attribute. */
    public static Attribute ofFloat(String name, float value) {
        return new Attribute(name, FLOAT, value, 0, null, null, null, null);
    }

    /** A TENSOR attribute. */
    public static Attribute ofTensor(String name, Tensor value) {
        return new Attribute(name, TENSOR, 0, 0, null, null, null, value);
    }

    /** A STRING attribute. */
    public static Attribute ofString(String name, String value) {
        return new Attribute(name, STRING, 0, 0, value, null, null, null);
    }
}
