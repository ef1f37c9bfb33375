package dev.defensebench.certifiers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
        String resource = "/fixtures/ibp/" + name + ".bin";
        try (InputStream in = IbpFixture.class.getResourceAsStream(resource)) {
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
                double[] values = new double[size];
                b.asDoubleBuffer().get(values);
                b.position(b.position() + 8 * size);
                tensors.put(new String(nameBytes, StandardCharsets.UTF_8), new Tensor(shape, values));
            }
            return new IbpFixture(tensors);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalStateException("fixture has no tensor '" + name + "'; it has " + tensors.keySet());
        }
        return t;
    }
}
