package dev.defensebench.model;

import dev.defensebench.testing.TensorFile;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fixture written by {@code src/test/fixtures/make_arch_fixtures.py}: named float32 tensors, in file
 * order (little-endian: u32 name length, name, u32 rank, u32 dims, float32 values).
 */
record TorchFixture(Map<String, Tensor> tensors) {

    /** One tensor: its shape and values. */
    record Tensor(long[] shape, float[] values) {}

    /** Reads {@code fixtures/arch/<name>.bin} from the test class path. */
    static TorchFixture load(String name) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        TensorFile.read(TorchFixture.class, "/fixtures/arch/" + name + ".bin", 4).forEach((key, raw) -> {
            float[] values = new float[raw.values().remaining() / 4];
            raw.values().asFloatBuffer().get(values);
            tensors.put(key, new Tensor(raw.shape(), values));
        });
        return new TorchFixture(tensors);
    }

    Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalStateException("fixture has no tensor '" + name + "'");
        }
        return t;
    }

    /** The parameters and buffers ({@code param:*}), in PyTorch's state-dict order. */
    List<Map.Entry<String, Tensor>> parameters() {
        List<Map.Entry<String, Tensor>> out = new ArrayList<>();
        tensors.entrySet().stream().filter(e -> e.getKey().startsWith("param:")).forEach(out::add);
        return out;
    }
}
