package dev.defensebench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Listing (class folders or a CSV), the seeded subset, the identity and the errors of an image folder. */
class ImageFolderLoaderTest {

    @TempDir
    Path dir;

    /** A w×h PNG filled with one colour. */
    private static Path png(Path file, int rgb, int w, int h) throws IOException {
        Files.createDirectories(file.getParent());
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        ImageIO.write(image, "png", file.toFile());
        return file;
    }

    /** Classes "cat" (3 images, red) and "ant" (2 images, blue), and a text file that is not an image. */
    private Path root() throws IOException {
        Path root = dir.resolve("root");
        for (int i = 0; i < 3; i++) {
            png(root.resolve("cat").resolve("c" + i + ".png"), 0xFF0000, 6, 5);
        }
        png(root.resolve("ant").resolve("a0.png"), 0x0000FF, 5, 6);
        png(root.resolve("ant").resolve("sub").resolve("a1.PNG"), 0x0000FF, 5, 5);
        Files.writeString(root.resolve("ant").resolve("notes.txt"), "ignored");
        return root;
    }

    private static ImageFolderSpec rootSpec(Path root, int subset, long seed) {
        return new ImageFolderSpec(root, null, null, 4, 4, subset, seed);
    }

    @Test
    void classFoldersAreSortedAndTheirImagesListedRecursively() throws IOException {
        ImageFolderListing listing = ImageFolderListing.ofRoot(root());
        assertThat(listing.classNames()).containsExactly("ant", "cat");
        assertThat(listing.images()).extracting(ImageFolderListing.Image::name)
                .containsExactly("ant/a0.png", "ant/sub/a1.PNG", "cat/c0.png", "cat/c1.png", "cat/c2.png");
        assertThat(listing.images()).extracting(ImageFolderListing.Image::label).containsExactly(0, 0, 1, 1, 1);
    }

    @Test
    void allImagesAreDecodedWithTheirLabelsAndNoTrainingSplit() throws IOException {
        LoadedDataset data = ImageFolderLoader.open(rootSpec(root(), 100, 0)).load(dir);
        assertThat(data.name()).isEqualTo("imagefolder");
        assertThat(data.numClasses()).isEqualTo(2);
        assertThat(data.train().count()).isZero();
        assertThat(data.test().count()).isEqualTo(5);
        assertThat(data.imageShape()).containsExactly(3, 4, 4);
        assertThat(data.test().labels()).containsExactly(0, 0, 1, 1, 1);
        assertThat(data.test().pixel(0)).isZero(); // blue ant: R = 0
        assertThat(data.test().pixel(32)).isEqualTo(255); // its B plane
        assertThat(data.test().pixel(2 * 48)).isEqualTo(255); // the first cat's R plane
    }

    @Test
    void theSubsetIsSeededSortedAndWithoutRepeats() {
        int[] a = ImageFolderLoader.subset(1000, 50, 7);
        assertThat(ImageFolderLoader.subset(1000, 50, 7)).containsExactly(a);
        assertThat(a).doesNotHaveDuplicates().isSorted();
        assertThat(Arrays.stream(a).allMatch(i -> i >= 0 && i < 1000)).isTrue();
        assertThat(ImageFolderLoader.subset(1000, 50, 8)).isNotEqualTo(a);
        assertThat(ImageFolderLoader.subset(4, 9, 7)).containsExactly(0, 1, 2, 3);
        // each index is drawn with probability size/total: over 200 seeds, index 0 comes about 10 times (1 in 20)
        int hits = 0;
        for (long seed = 0; seed < 200; seed++) {
            hits += ImageFolderLoader.subset(1000, 50, seed)[0] == 0 ? 1 : 0;
        }
        assertThat(hits).isBetween(3, 20);
    }

    @Test
    void theIdentityFollowsTheContentTheSubsetAndTheSizesButNotTheFolder() throws IOException {
        Path root = root();
        String identity = ImageFolderLoader.open(rootSpec(root, 100, 0)).load(dir).sha256();
        Path copy = dir.resolve("copy");
        for (Path p : Files.walk(root).sorted().toList()) {
            Path target = copy.resolve(root.relativize(p).toString());
            if (Files.isDirectory(p)) {
                Files.createDirectories(target);
            } else {
                Files.copy(p, target);
            }
        }
        assertThat(ImageFolderLoader.open(rootSpec(copy, 100, 0)).load(dir).sha256()).isEqualTo(identity);
        assertThat(ImageFolderLoader.open(rootSpec(root, 3, 0)).load(dir).sha256()).isNotEqualTo(identity);
        assertThat(ImageFolderLoader.open(new ImageFolderSpec(root, null, null, 5, 4, 100, 0)).load(dir).sha256())
                .isNotEqualTo(identity);
        png(copy.resolve("cat").resolve("c1.png"), 0xFE0000, 6, 5); // one pixel value changed
        assertThat(ImageFolderLoader.open(rootSpec(copy, 100, 0)).load(dir).sha256()).isNotEqualTo(identity);
    }

    @Test
    void aCsvListsPathsAndLabelsRelativeToItsFolder() throws IOException {
        Path root = root();
        Path csv = Files.writeString(root.resolve("val.csv"), "path,label\ncat/c0.png,3\n\n# a comment\nant/a0.png, 1\n");
        LoadedDataset data = ImageFolderLoader.open(new ImageFolderSpec(null, csv, 5, 4, 4, 10, 0)).load(dir);
        assertThat(data.numClasses()).isEqualTo(5);
        assertThat(data.test().labels()).containsExactly(3, 1);
        assertThat(ImageFolderListing.ofCsv(csv, null).numClasses()).isEqualTo(4);
    }

    @Test
    void csvErrorsNameTheLine() throws IOException {
        Path root = root();
        assertThatThrownBy(() -> ImageFolderListing.ofCsv(Files.writeString(root.resolve("a.csv"), "cat/c0.png,0\ncat/c1.png\n"), null))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("a.csv: line 2: expected 'path,label'");
        assertThatThrownBy(() -> ImageFolderListing.ofCsv(Files.writeString(root.resolve("b.csv"), "cat/c0.png,zebra\n"), null))
                .hasMessageContaining("b.csv: line 1: the label 'zebra' is not an integer");
        assertThatThrownBy(() -> ImageFolderListing.ofCsv(Files.writeString(root.resolve("c.csv"), "cat/c0.png,0\ncat/gone.png,0\n"), null))
                .hasMessageContaining("c.csv: line 2: image 'cat/gone.png' does not exist");
        assertThatThrownBy(() -> ImageFolderListing.ofCsv(Files.writeString(root.resolve("d.csv"), "cat/c0.png,7\n"), 5))
                .hasMessageContaining("d.csv: line 1: label 7 is outside 0..4");
        assertThatThrownBy(() -> ImageFolderListing.ofCsv(Files.writeString(root.resolve("e.csv"), "cat/c0.png,0\ncat/c0.png,1\n"), null))
                .hasMessageContaining("e.csv: line 2: 'cat/c0.png' is listed twice");
        assertThatThrownBy(() -> ImageFolderListing.ofCsv(Files.writeString(root.resolve("f.csv"), "ant/notes.txt,0\n"), null))
                .hasMessageContaining("f.csv: line 1: 'ant/notes.txt' is not a PNG or JPEG");
        assertThatThrownBy(() -> ImageFolderListing.ofCsv(Files.writeString(root.resolve("g.csv"), "path,label\n"), null))
                .hasMessageContaining("g.csv: lists no image");
    }

    @Test
    void folderErrorsNameTheFolder() throws IOException {
        Path missing = dir.resolve("nowhere");
        assertThatThrownBy(() -> ImageFolderLoader.open(rootSpec(missing, 1, 0))).isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining(missing + ": the image folder's root does not exist");
        Path flat = Files.createDirectories(dir.resolve("flat"));
        png(flat.resolve("x.png"), 0, 4, 4);
        assertThatThrownBy(() -> ImageFolderListing.ofRoot(flat)).hasMessageContaining("no class folders");
        Path root = root();
        Files.createDirectories(root.resolve("bee"));
        Files.writeString(root.resolve("bee").resolve("readme.txt"), "no images here");
        assertThatThrownBy(() -> ImageFolderListing.ofRoot(root)).isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(root.resolve("bee") + ": class folder 1 'bee' holds no image");
    }

    @Test
    void anUnreadableImageIsNamedWhenTheSubsetIsDecoded() throws IOException {
        Path root = root();
        Path bad = Files.writeString(root.resolve("cat").resolve("c1.png"), "truncated");
        assertThatThrownBy(() -> ImageFolderLoader.open(rootSpec(root, 100, 0)).load(dir))
                .isInstanceOf(DatasetFormatException.class).hasMessageStartingWith(bad.toString());
    }

    @Test
    void specErrorsSayWhatIsAllowed() {
        assertThatThrownBy(() -> new ImageFolderSpec(null, null, null, 256, 224, 10, 0)).hasMessageContaining("neither");
        assertThatThrownBy(() -> new ImageFolderSpec(dir, dir, null, 256, 224, 10, 0)).hasMessageContaining("both");
        assertThatThrownBy(() -> new ImageFolderSpec(dir, null, 10, 256, 224, 10, 0)).hasMessageContaining("'num_classes' applies to a 'csv' only");
        assertThatThrownBy(() -> new ImageFolderSpec(dir, null, null, 200, 224, 10, 0)).hasMessageContaining("resize 200 and crop 224");
        assertThat(ImageFolderSpec.defaultResize(224)).isEqualTo(256);
    }
}
