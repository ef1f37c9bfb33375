package dev.defensebench.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Turns one PNG or JPEG file into a network-sized RGB image, as torchvision's ImageNet evaluation does with
 * {@code Resize(resize)} then {@code CenterCrop(crop)} on a PIL image converted to RGB: decoded through ImageIO
 * (grey images repeated over the three channels, alpha dropped), the shorter side resized to {@code resize}
 * ({@link BilinearResize}, the other side {@code floor(resize · long / short)}), then the centre
 * {@code crop}×{@code crop} square cut out (offsets rounded half to even, as Python's {@code round}).
 *
 * @param resize the shorter side after resizing
 * @param crop   the side of the centre crop
 */
public record ImageDecoder(int resize, int crop) {

    /** Checks {@code 0 < crop <= resize}. */
    public ImageDecoder {
        if (crop <= 0 || resize < crop) {
            throw new IllegalArgumentException("need 0 < crop <= resize, found resize " + resize + " and crop " + crop);
        }
    }

    /** The decoded, resized and cropped image: 3×crop×crop unsigned bytes, channel-major. */
    public byte[] read(Path file) throws IOException {
        BufferedImage image;
        try (InputStream in = Files.newInputStream(file)) {
            image = ImageIO.read(in);
        } catch (IOException | RuntimeException e) {
            throw new DatasetFormatException(file, "cannot decode the image: " + e.getMessage());
        }
        if (image == null) {
            throw new DatasetFormatException(file, "not a PNG or JPEG image that ImageIO can decode");
        }
        return centerCrop(resizeShorterSide(rgbPlanes(image), image.getHeight(), image.getWidth()));
    }

    /** The image's RGB values as three planes (channel-major). */
    static byte[] rgbPlanes(BufferedImage image) {
        int h = image.getHeight();
        int w = image.getWidth();
        int plane = h * w;
        byte[] out = new byte[3 * plane];
        Raster raster = image.getRaster();
        boolean grey = image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY;
        int max = grey ? (1 << image.getColorModel().getComponentSize(0)) - 1 : 255;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = y * w + x;
                if (grey) { // the raw grey level: getRGB would apply the linear-grey colour space's gamma
                    byte v = (byte) ((raster.getSample(x, y, 0) * 255 + max / 2) / max);
                    out[i] = v;
                    out[plane + i] = v;
                    out[2 * plane + i] = v;
                } else {
                    int argb = image.getRGB(x, y);
                    out[i] = (byte) (argb >> 16);
                    out[plane + i] = (byte) (argb >> 8);
                    out[2 * plane + i] = (byte) argb;
                }
            }
        }
        return out;
    }

    /** Planes and their size after resizing the shorter side to {@link #resize}. */
    private Sized resizeShorterSide(byte[] planes, int h, int w) {
        int outH;
        int outW;
        if (w <= h) {
            outW = resize;
            outH = (int) ((long) resize * h / w);
        } else {
            outH = resize;
            outW = (int) ((long) resize * w / h);
        }
        return new Sized(BilinearResize.resize(planes, 3, h, w, outH, outW), outH, outW);
    }

    private byte[] centerCrop(Sized s) {
        int top = (int) Math.rint((s.height - crop) / 2.0);
        int left = (int) Math.rint((s.width - crop) / 2.0);
        byte[] out = new byte[3 * crop * crop];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < crop; y++) {
                System.arraycopy(s.planes, (c * s.height + top + y) * s.width + left, out, (c * crop + y) * crop, crop);
            }
        }
        return out;
    }

    private record Sized(byte[] planes, int height, int width) {}
}
