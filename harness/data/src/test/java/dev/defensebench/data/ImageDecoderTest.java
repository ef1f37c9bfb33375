package dev.defensebench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoding, resizing and cropping against torchvision 0.14's {@code Resize} + {@code CenterCrop} on PIL images
 * (Pillow 9.4), from {@code imagefolder/resize_crop.json} (made by {@code src/test/fixtures/make_resize_fixture.py}).
 */
class ImageDecoderTest {

    @TempDir
    Path dir;

    private static JsonNode cases() throws IOException {
        try (InputStream in = ImageDecoderTest.class.getResourceAsStream("/imagefolder/resize_crop.json")) {
            return new ObjectMapper().readTree(in).get("cases");
        }
    }

    private static byte[] bytes(JsonNode values) {
        byte[] out = new byte[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) values.get(i).asInt();
        }
        return out;
    }

    /** Writes the case's pixels (H×W×3, row-major) as a lossless PNG. */
    private Path png(JsonNode c) throws IOException {
        int h = c.get("height").asInt();
        int w = c.get("width").asInt();
        byte[] hwc = bytes(c.get("pixels_hwc"));
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int i = 3 * (y * w + x);
                image.setRGB(x, y, (hwc[i] & 0xFF) << 16 | (hwc[i + 1] & 0xFF) << 8 | (hwc[i + 2] & 0xFF));
            }
        }
        Path file = dir.resolve(c.get("name").asText() + ".png");
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    @Test
    void resizeEqualsPillowsBilinearByteForByte() throws IOException {
        for (JsonNode c : cases()) {
            int h = c.get("height").asInt();
            int w = c.get("width").asInt();
            byte[] hwc = bytes(c.get("pixels_hwc"));
            byte[] chw = new byte[hwc.length];
            for (int i = 0; i < h * w; i++) {
                for (int ch = 0; ch < 3; ch++) {
                    chw[ch * h * w + i] = hwc[3 * i + ch];
                }
            }
            byte[] resized = BilinearResize.resize(chw, 3, h, w, c.get("resized_height").asInt(), c.get("resized_width").asInt());
            assertThat(resized).as(c.get("name").asText()).containsExactly(bytes(c.get("resized_chw")));
        }
    }

    @Test
    void decodeResizeAndCenterCropEqualTorchvision() throws IOException {
        for (JsonNode c : cases()) {
            ImageDecoder decoder = new ImageDecoder(c.get("resize").asInt(), c.get("crop").asInt());
            assertThat(decoder.read(png(c))).as(c.get("name").asText()).containsExactly(bytes(c.get("cropped_chw")));
        }
    }

    @Test
    void aGreyImageKeepsItsLevelsInAllThreeChannels() throws IOException {
        BufferedImage grey = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        for (int i = 0; i < 16; i++) {
            grey.getRaster().setSample(i % 4, i / 4, 0, 10 * i + 5);
        }
        Path file = dir.resolve("grey.png");
        ImageIO.write(grey, "png", file.toFile());
        byte[] out = new ImageDecoder(4, 2).read(file);
        // the centre 2×2 of the 4×4 image: rows 1..2, columns 1..2
        byte[] centre = {(byte) 55, (byte) 65, (byte) 95, (byte) 105};
        for (int c = 0; c < 3; c++) {
            assertThat(java.util.Arrays.copyOfRange(out, 4 * c, 4 * c + 4)).containsExactly(centre);
        }
    }

    @Test
    void aJpegIsDecodedToo() throws IOException {
        BufferedImage image = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                image.setRGB(x, y, 200 << 16 | 100 << 8 | 50);
            }
        }
        Path file = dir.resolve("flat.jpg");
        ImageIO.write(image, "jpeg", file.toFile());
        byte[] out = new ImageDecoder(8, 8).read(file);
        assertThat(out[0] & 0xFF).isBetween(196, 204);
        assertThat(out[64] & 0xFF).isBetween(96, 104);
        assertThat(out[128] & 0xFF).isBetween(46, 54);
    }

    @Test
    void anUndecodableFileIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("broken.png"), "not an image");
        assertThatThrownBy(() -> new ImageDecoder(4, 4).read(file)).isInstanceOf(DatasetFormatException.class)
                .hasMessageStartingWith(file.toString()).hasMessageContaining("ImageIO");
    }

    @Test
    void theCropMustFitTheResize() {
        assertThatThrownBy(() -> new ImageDecoder(200, 224)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("resize 200").hasMessageContaining("crop 224");
    }
}
