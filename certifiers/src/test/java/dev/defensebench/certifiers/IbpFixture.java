package dev.defensebench.certifiers;

import dev.defensebench.testing.TensorFile;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fixture written by {@code src/test/fixtures/make_ibp_fixtures.py}: named float64 tensors in file order
 * (little-endian: u32 name length, name, u32 rank, u32 dims, float64 values).
 */
record IbpFixture(Map<String, Tensor> tensors) {

    /** One tensor: its shape and values. */
    record Tensor(long[] shape, double[] values) {}

    /** Reads {@code fixtures/ibp/<name>.bin} from the test class path. */
    static IbpFixture load(String name) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        TensorFile.read(IbpFixture.class, "/fixtures/ibp/" + name + ".bin", 8).forEach((key, raw) -> {
            double[] values = new double[raw.values().remaining() / 8];
            raw.values().asDoubleBuffer().get(values);
            tensors.put(key, new Tensor(raw.shape(), values));
        });
        return new IbpFixture(tensors);
    }

    Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalStateException("fixture has no tensor '" + name + "'; it has " + tensors.keySet());
        }
        return t;
    }
}
