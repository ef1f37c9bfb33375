package dev.defensebench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsImagesAndLabels() throws Exception {
        Path images = TestFiles.write(dir.resolve("img"), TestFiles.idxImages(3, 2, 4));
        Path labels = TestFiles.write(dir.resolve("lbl"), TestFiles.idxLabels(7, 0, 9));
        ImageSplit s = IdxReader.read(images, labels);
        assertThat(s.count()).isEqualTo(3);
        assertThat(s.channels()).isEqualTo(1);
        assertThat(s.height()).isEqualTo(2);
        assertThat(s.width()).isEqualTo(4);
        assertThat(s.labels()).containsExactly(7, 0, 9);
        assertThat(s.pixel(8 + 3)).isEqualTo((31 + 3) & 0xFF); // image 1, pixel 3
    }

    @Test
    void readsGzippedFiles() throws Exception {
        Path images = TestFiles.write(dir.resolve("img.gz"), TestFiles.gzip(TestFiles.idxImages(2, 3, 3)));
        Path labels = TestFiles.write(dir.resolve("lbl"), TestFiles.idxLabels(1, 2));
        assertThat(IdxReader.read(images, labels).count()).isEqualTo(2);
    }

    @Test
    void truncatedImagesNameTheFileAndBothSizes() throws Exception {
        byte[] full = TestFiles.idxImages(3, 2, 4); // 16 + 24 bytes
        Path images = TestFiles.write(dir.resolve("img"), Arrays.copyOf(full, full.length - 5));
        Path labels = TestFiles.write(dir.resolve("lbl"), TestFiles.idxLabels(1, 2, 3));
        assertThatThrownBy(() -> IdxReader.read(images, labels))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(images.toString())
                .hasMessageContaining("truncated")
                .hasMessageContaining("expected 40 bytes")
                .hasMessageContaining("found 35");
    }

    @Test
    void truncatedHeader() throws Exception {
        Path images = TestFiles.write(dir.resolve("img"), new byte[] {0, 0, 8, 3, 0, 0});
        Path labels = TestFiles.write(dir.resolve("lbl"), TestFiles.idxLabels(1));
        assertThatThrownBy(() -> IdxReader.read(images, labels))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("truncated");
    }

    @Test
    void trailingBytesAreAnError() throws Exception {
        byte[] full = TestFiles.idxImages(1, 2, 2);
        Path images = TestFiles.write(dir.resolve("img"), Arrays.copyOf(full, full.length + 3));
        Path labels = TestFiles.write(dir.resolve("lbl"), TestFiles.idxLabels(1));
        assertThatThrownBy(() -> IdxReader.read(images, labels))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("expected 20 bytes").hasMessageContaining("found 23");
    }

    @Test
    void wrongMagicSaysExpectedAndFound() throws Exception {
        Path images = TestFiles.write(dir.resolve("img"), TestFiles.idxImages(2, 2, 2));
        Path labels = TestFiles.write(dir.resolve("lbl"), TestFiles.idxLabels(1, 2));
        // labels given as images: magic 2049 where 2051 is expected
        assertThatThrownBy(() -> IdxReader.read(labels, images))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(labels.toString())
                .hasMessageContaining("expected 2051").hasMessageContaining("found 2049");
        byte[] bad = TestFiles.idxLabels(1, 2);
        ByteBuffer.wrap(bad).putInt(0, 1234);
        Path badLabels = TestFiles.write(dir.resolve("bad"), bad);
        assertThatThrownBy(() -> IdxReader.read(images, badLabels))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining("expected 2049").hasMessageContaining("found 1234");
    }

    @Test
    void countMismatchNamesBothFiles() throws Exception {
        Path images = TestFiles.write(dir.resolve("img"), TestFiles.idxImages(3, 2, 2));
        Path labels = TestFiles.write(dir.resolve("lbl"), TestFiles.idxLabels(1, 2));
        assertThatThrownBy(() -> IdxReader.read(images, labels))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(labels.toString()).hasMessageContaining(images.toString())
                .hasMessageContaining("2 labels").hasMessageContaining("3 images");
    }

    @Test
    void labelOutOfRange() throws Exception {
        Path images = TestFiles.write(dir.resolve("img"), TestFiles.idxImages(2, 2, 2));
        Path labels = TestFiles.write(dir.resolve("lbl"), TestFiles.idxLabels(1, 10));
        assertThatThrownBy(() -> IdxReader.read(images, labels))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(labels.toString()).hasMessageContaining("label 1 is 10")
                .hasMessageContaining("0..9");
    }
}
