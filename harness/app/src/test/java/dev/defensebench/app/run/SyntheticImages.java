package dev.defensebench.app.run;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Writes an image folder of the four synthetic classes the fixture {@code tiny_resnet224.onnx} was trained on
 * (by the rule of {@code src/test/fixtures/make_imagefolder_model.py}): folders blue/, green/, red/, yellow/; an
 * image of a class has its colour channels (yellow: red and green) raised by 120 over a noisy background, with a
 * brighter or darker box; sizes vary around 224 so that resizing and cropping are exercised.
 */
final class SyntheticImages {

    /** The class folders, sorted: labels 0, 1, 2, 3. */
    static final List<String> CLASSES = List.of("blue", "green", "red", "yellow");
    /** The channels (R 0, G 1, B 2) each class raises. */
    private static final int[][] RAISED = {{2}, {1}, {0}, {0, 1}};

    private SyntheticImages() {}

    /** {@code perClass} PNG images per class under {@code root}, drawn with {@code seed}. */
    static Path write(Path root, int perClass, long seed) throws IOException {
        Random random = new Random(seed);
        for (int label = 0; label < CLASSES.size(); label++) {
            Path dir = Files.createDirectories(root.resolve(CLASSES.get(label)));
            for (int i = 0; i < perClass; i++) {
                int h = 224 + random.nextInt(76);
                int w = 224 + random.nextInt(96);
                ImageIO.write(image(random, label, h, w), "png", dir.resolve(String.format("%03d.png", i)).toFile());
            }
        }
        return root;
    }

    private static BufferedImage image(Random random, int label, int h, int w) {
        double[] base = new double[3];
        for (int c = 0; c < 3; c++) {
            base[c] = 40 + 100 * random.nextDouble();
        }
        for (int c : RAISED[label]) {
            base[c] += 120;
        }
        int top = random.nextInt(h / 2);
        int left = random.nextInt(w / 2);
        double shift = -40 + 80 * random.nextDouble();
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean inBox = y >= top && y < top + h / 3 && x >= left && x < left + w / 3;
                int rgb = 0;
                for (int c = 0; c < 3; c++) {
                    double v = base[c] - 30 + 60 * random.nextDouble() + (inBox ? shift : 0);
                    rgb = rgb << 8 | (int) Math.max(0, Math.min(255, Math.rint(v)));
                }
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }
}
