package dev.defensebench.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensor files the fixture scripts write: named tensors in file order, little-endian (u32 name
 * length, name, u32 rank, u32 dims, then the values, float32 or float64 as the script chose). Each fixture
 * type reads its values from {@link Raw#values()} in its own width.
 */
public final class TensorFile {

    private TensorFile() {}

    /**
     * One tensor as stored.
     *
     * @param shape its dimensions
     * @param values its values, little-endian, exactly {@code size × width} bytes
     */
    public record Raw(long[] shape, ByteBuffer values) {}

    /** The tensors of test resource {@code resource} (found beside {@code anchor}), whose values are {@code width} bytes each. */
    public static Map<String, Raw> read(Class<?> anchor, String resource, int width) {
        try (InputStream in = anchor.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            ByteBuffer b = ByteBuffer.wrap(in.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
            Map<String, Raw> tensors = new LinkedHashMap<>();
            while (b.hasRemaining()) {
                byte[] nameBytes = new byte[b.getInt()];
                b.get(nameBytes);
                long[] shape = new long[b.getInt()];
                int size = 1;
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = Integer.toUnsignedLong(b.getInt());
                    size *= (int) shape[i];
                }
                ByteBuffer values = b.slice(b.position(), width * size).order(ByteOrder.LITTLE_ENDIAN);
                b.position(b.position() + width * size);
                tensors.put(new String(nameBytes, StandardCharsets.UTF_8), new Raw(shape, values));
            }
            return tensors;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
