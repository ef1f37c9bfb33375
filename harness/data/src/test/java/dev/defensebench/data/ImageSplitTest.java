package dev.defensebench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageSplitTest {

    /** Three 1×1×2 images: pixels (0,1), (10,11), (20,21); labels 0, 1, 2. */
    private static ImageSplit three() {
        return new ImageSplit(new byte[] {0, 1, 10, 11, 20, 21}, new int[] {0, 1, 2}, 1, 1, 2);
    }

    @Test
    void countAndPixelsPerImage() {
        ImageSplit s = three();
        assertThat(s.count()).isEqualTo(3);
        assertThat(s.pixelsPerImage()).isEqualTo(2);
    }

    @Test
    void firstCopiesTheLeadingImages() {
        ImageSplit s = three().first(2);
        assertThat(s.labels()).containsExactly(0, 1);
        assertThat(s.pixels()).containsExactly(0, 1, 10, 11);
        assertThat(three().first(0).count()).isZero();
        assertThat(three().first(3)).isEqualTo(three());
    }

    @Test
    void firstBeyondCountIsAnError() {
        assertThatThrownBy(() -> three().first(4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("first 4").hasMessageContaining("3 images");
    }

    @Test
    void selectPicksInOrderWithRepeats() {
        ImageSplit s = three().select(new int[] {2, 0, 2});
        assertThat(s.labels()).containsExactly(2, 0, 2);
        assertThat(s.pixels()).containsExactly(20, 21, 0, 1, 20, 21);
        assertThatThrownBy(() -> three().select(new int[] {3}))
                .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("index 3");
    }

    @Test
    void constructorChecksSizes() {
        assertThatThrownBy(() -> new ImageSplit(new byte[5], new int[] {0, 1, 2}, 1, 1, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("5 bytes").hasMessageContaining("expected 6");
        assertThatThrownBy(() -> new ImageSplit(new byte[0], new int[0], 0, 1, 1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImageSplit(new byte[2], new int[] {-1}, 1, 1, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    }

    @Test
    void pixelIsUnsigned() {
        ImageSplit s = new ImageSplit(new byte[] {(byte) 255}, new int[] {0}, 1, 1, 1);
        assertThat(s.pixel(0)).isEqualTo(255);
    }
}
