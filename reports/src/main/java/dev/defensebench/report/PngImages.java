package dev.defensebench.report;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Renders gallery images as inline PNG data URIs: a [0, 1] image as grey or RGB, and a perturbation
 * magnified around mid-grey. Pixels are kept at their native size; the page scales them up with
 * {@code image-rendering: pixelated}.
 */
final class PngImages {

    private PngImages() {
    }

    /** {@code pixels} (channels × height × width, values in [0, 1], clamped) as a PNG data URI. */
    static String image(float[] pixels, int channels, int height, int width) {
        return dataUri(png(pixels, channels, height, width, 0.0, 1.0));
    }

    /**
     * The difference {@code adversarial − clean} magnified so that its largest absolute value maps to
     * black or white around mid-grey; returns the data URI and the magnification factor.
     */
    static Magnified perturbation(float[] clean, float[] adversarial, int channels, int height, int width) {
        float[] delta = new float[clean.length];
        double maxAbs = 0;
        for (int i = 0; i < clean.length; i++) {
            delta[i] = adversarial[i] - clean[i];
            maxAbs = Math.max(maxAbs, Math.abs(delta[i]));
        }
        double factor = maxAbs > 0 ? 0.5 / maxAbs : 1.0;
        float[] shown = new float[delta.length];
        for (int i = 0; i < delta.length; i++) {
            shown[i] = (float) (0.5 + factor * delta[i]);
        }
        return new Magnified(dataUri(png(shown, channels, height, width, 0.0, 1.0)), 2 * factor, maxAbs);
    }

    /** A magnified perturbation image. */
    record Magnified(String dataUri, double factor, double maxAbs) {}

    /**
     * Encodes the pixels as a PNG (8-bit grey for one channel, else 8-bit RGB), written directly:
     * signature, IHDR, one zlib-compressed IDAT with filter type 0 per row, IEND, each with its CRC-32.
     * Much cheaper than ImageIO for the thousands of tiny images of a large site.
     */
    private static byte[] png(float[] pixels, int channels, int height, int width, double lo, double hi) {
        boolean rgb = channels >= 3;
        int bytesPerPixel = rgb ? 3 : 1;
        int plane = height * width;
        byte[] raw = new byte[height * (1 + width * bytesPerPixel)];
        int at = 0;
        for (int y = 0; y < height; y++) {
            raw[at++] = 0; // filter: none
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                raw[at++] = (byte) level(pixels[i], lo, hi);
                if (rgb) {
                    raw[at++] = (byte) level(pixels[plane + i], lo, hi);
                    raw[at++] = (byte) level(pixels[2 * plane + i], lo, hi);
                }
            }
        }
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        deflater.setInput(raw);
        deflater.finish();
        ByteArrayOutputStream compressed = new ByteArrayOutputStream(raw.length / 2 + 64);
        byte[] buffer = new byte[4096];
        while (!deflater.finished()) {
            compressed.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.size() + 64);
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteBuffer header = ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8)
                .put((byte) (rgb ? 2 : 0)).put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", header.array());
        chunk(out, "IDAT", compressed.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static int level(float value, double lo, double hi) {
        double t = (value - lo) / (hi - lo);
        if (Double.isNaN(t)) {
            return 0;
        }
        return (int) Math.round(255 * Math.max(0, Math.min(1, t)));
    }

    private static String dataUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }
}
