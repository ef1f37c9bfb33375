package dev.defensebench.onnx.graph;

/**
 * An ONNX TensorProto holding FLOAT or INT64 data (the only element types the project reads as
 * numbers; tensors of other types keep their type and dimensions, with no values).
 *
 * @param name the initializer's name
 * @param dataType the TensorProto.DataType code (FLOAT 1, INT64 7, ...)
 * @param dims the dimensions
 * @param floats the values of a FLOAT tensor (row-major), else null
 * @param longs the values of an INT64 tensor (row-major), else null
 * @param raw whether the values are (or are to be) stored in raw_data rather than float_data/int64_data
 */
public record Tensor(String name, int dataType, long[] dims, float[] floats, long[] longs, boolean raw) {

    /** TensorProto.DataType FLOAT. */
    public static final int FLOAT = 1;
    /** TensorProto.DataType INT64. */
    public static final int INT64 = 7;

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
