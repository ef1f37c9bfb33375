package dev.defensebench.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/**
 * Renders gallery images as inline PNG data URIs: a [0, 1] image as grey or RGB, and a perturbation
 * magnified around mid-grey. Pixels are kept at their native size; the page scales them up with
 * {@code image-rendering: pixelated}.
 */
final class PngImages {

    static {
        ImageIO.setUseCache(false); // no temporary file per encoded image
    }

    private PngImages() {
    }

    /** {@code pixels} (channels × height × width, values in [0, 1], clamped) as a PNG data URI. */
    static String image(float[] pixels, int channels, int height, int width) {
        return dataUri(render(pixels, channels, height, width, 0.0, 1.0));
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
        return new Magnified(dataUri(render(shown, channels, height, width, 0.0, 1.0)), 2 * factor, maxAbs);
    }

    /** A magnified perturbation image. */
    record Magnified(String dataUri, double factor, double maxAbs) {}

    private static BufferedImage render(float[] pixels, int channels, int height, int width, double lo, double hi) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                int r = level(pixels[i], lo, hi);
                int g = channels >= 3 ? level(pixels[plane + i], lo, hi) : r;
                int b = channels >= 3 ? level(pixels[2 * plane + i], lo, hi) : r;
                image.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return image;
    }

    private static int level(float value, double lo, double hi) {
        double t = (value - lo) / (hi - lo);
        if (Double.isNaN(t)) {
            return 0;
        }
        return (int) Math.round(255 * Math.max(0, Math.min(1, t)));
    }

    private static String dataUri(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(bytes.toByteArray());
    }
}
