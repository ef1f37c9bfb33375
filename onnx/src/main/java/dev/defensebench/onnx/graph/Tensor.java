package dev.defensebench.onnx.graph;

/**
 * An ONNX TensorProto holding FLOAT, INT64 or narrower integer (BOOL, INT8, UINT8, INT16, UINT16, INT32) data, the
 * element types the project reads as numbers; tensors of other types keep their type and dimensions, with no values.
 *
 * @param name the initializer's name
 * @param dataType the TensorProto.DataType code (FLOAT 1, INT64 7, ...)
 * @param dims the dimensions
 * @param floats the values of a FLOAT tensor (row-major), else null
 * @param longs the values of an INT64 tensor or (widened) of a narrower integer or BOOL tensor (row-major), else null
 * @param raw whether the values are (or are to be) stored in raw_data rather than float_data/int64_data
 */
public record Tensor(String name, int dataType, long[] dims, float[] floats, long[] longs, boolean raw) {

    /** TensorProto.DataType FLOAT. */
    public static final int FLOAT = 1;
    /** TensorProto.DataType INT64. */
    public static final int INT64 = 7;
    /** TensorProto.DataType UINT8. */
    public static final int UINT8 = 2;
    /** TensorProto.DataType INT8. */
    public static final int INT8 = 3;
    /** TensorProto.DataType UINT16. */
    public static final int UINT16 = 4;
    /** TensorProto.DataType INT16. */
    public static final int INT16 = 5;
    /** TensorProto.DataType INT32. */
    public static final int INT32 = 6;
    /** TensorProto.DataType BOOL. */
    public static final int BOOL = 9;

    /** The byte width of a narrow integer or BOOL element type in raw_data (1, 2 or 4), or 0 for any other type. */
    public static int narrowIntegerWidth(int dataType) {
        return switch (dataType) {
            case UINT8, INT8, BOOL -> 1;
            case UINT16, INT16 -> 2;
            case INT32 -> 4;
            default -> 0;
        };
    }

    /** A FLOAT tensor stored in float_data. */
    public static Tensor ofFloats(String name, long[] dims, float[] values) {
        return new Tensor(name, FLOAT, dims.clone(), values, null, false);
    }

    /** An INT64 tensor stored in int64_data. */
    public static Tensor ofLongs(String name, long[] dims, long[] values) {
        return new Tensor(name, INT64, dims.clone(), null, values, false);
    }

    /** The same tensor, stored in raw_data. */
    public Tensor asRaw() {
        return new Tensor(name, dataType, dims, floats, longs, true);
    }

    /** The number of elements the dimensions describe. */
    public long elementCount() {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return n;
    }
}
