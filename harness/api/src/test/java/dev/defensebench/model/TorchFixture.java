package dev.defensebench.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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

    /** Reads the fixture {@code fixtures/arch/<name>.bin} from the test class path. */
    static TorchFixture load(String name) {
        String resource = "/fixtures/arch/" + name + ".bin";
        try (InputStream in = TorchFixture.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            ByteBuffer b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            while (b.hasRemaining()) {
                byte[] nameBytes = new byte[b.getInt()];
                b.get(nameBytes);
                long[] shape = new long[b.getInt()];
                int size = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = Integer.toUnsignedLong(b.getInt());
                    size *= (int) shape[i];
                }
                float[] values = new float[size];
                b.asFloatBuffer().get(values);
                b.position(b.position() + 4 * size);
                tensors.put(new String(nameBytes, StandardCharsets.UTF_8), new Tensor(shape, values));
            }
            return new TorchFixture(tensors);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
