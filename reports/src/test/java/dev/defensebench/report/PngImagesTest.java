package dev.defensebench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class PngImagesTest {

    private static BufferedImage decode(String dataUri) throws IOException {
        assertThat(dataUri).startsWith("data:image/png;base64,");
        byte[] png = Base64.getDecoder().decode(dataUri.substring("data:image/png;base64,".length()));
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image).as("a PNG ImageIO can read").isNotNull();
        return image;
    }

    @Test
    void greyImagesDecodeToTheirPixels() throws IOException {
        float[] pixels = {0f, 0.5f, 1f, 2f, -1f, Float.NaN};
        BufferedImage image = decode(PngImages.image(pixels, 1, 2, 3));
        assertThat(image.getWidth()).isEqualTo(3);
        assertThat(image.getHeight()).isEqualTo(2);
        int[] expected = {0, 128, 255, 255, 0, 0}; // clamped; NaN black
        for (int i = 0; i < 6; i++) {
            assertThat(image.getRaster().getSample(i % 3, i / 3, 0)).as("pixel " + i).isEqualTo(expected[i]);
        }
    }

    @Test
    void rgbImagesKeepTheirChannels() throws IOException {
        float[] planes = {1f, 0f, 0f, 1f, 0f, 0f}; // 1x2 image: R plane, G plane, B plane
        BufferedImage image = decode(PngImages.image(planes, 3, 1, 2));
        assertThat(image.getRGB(0, 0) & 0xffffff).isEqualTo(0xff0000);
        assertThat(image.getRGB(1, 0) & 0xffffff).isEqualTo(0x00ff00);
    }

    @Test
    void thePerturbationIsMagnifiedAroundMidGrey() throws IOException {
        float[] clean = {0.5f, 0.5f, 0.5f};
        float[] adversarial = {0.6f, 0.4f, 0.5f};
        PngImages.Magnified m = PngImages.perturbation(clean, adversarial, 1, 1, 3);
        assertThat(m.maxAbs()).isCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(m.factor()).isCloseTo(10.0, org.assertj.core.data.Offset.offset(1e-4));
        BufferedImage image = decode(m.dataUri());
        assertThat(image.getRaster().getSample(0, 0, 0)).isEqualTo(255);
        assertThat(image.getRaster().getSample(1, 0, 0)).isEqualTo(0);
        assertThat(image.getRaster().getSample(2, 0, 0)).isEqualTo(128);
    }
}
