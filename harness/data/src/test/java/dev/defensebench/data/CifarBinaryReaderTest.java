package dev.defensebench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CifarBinaryReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsRecordsFromSeveralFilesInOrder() throws Exception {
        Path a = TestFiles.write(dir.resolve("a.bin"), TestFiles.cifarRecords(0, 3, 9));
        Path b = TestFiles.write(dir.resolve("b.bin"), TestFiles.cifarRecords(2, 0));
        ImageSplit s = CifarBinaryReader.read(List.of(a, b));
        assertThat(s.count()).isEqualTo(3);
        assertThat(s.channels()).isEqualTo(3);
        assertThat(s.height()).isEqualTo(32);
        assertThat(s.width()).isEqualTo(32);
        assertThat(s.labels()).containsExactly(3, 9, 0);
        // image 2 (first of b), green plane pixel 0 = index 1024 in the record's pixel bytes
        assertThat(s.pixel(2 * 3072 + 1024)).isEqualTo((2 + 7 * 1024) & 0xFF);
        assertThat(s.pixel(1 * 3072 + 5)).isEqualTo((1 + 7 * 5) & 0xFF);
    }

    @Test
    void sizeNotAMultipleOfTheRecordNamesFileAndSize() throws Exception {
        byte[] two = TestFiles.cifarRecords(0, 1, 2);
        Path f = TestFiles.write(dir.resolve("short.bin"), Arrays.copyOf(two, two.length - 10));
        assertThatThrownBy(() -> CifarBinaryReader.read(List.of(f)))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(f.toString())
                .hasMessageContaining("6136")
                .hasMessageContaining("multiple of 3073");
    }

    @Test
    void badLabel() throws Exception {
        Path f = TestFiles.write(dir.resolve("bad.bin"), TestFiles.cifarRecords(0, 1, 12));
        assertThatThrownBy(() -> CifarBinaryReader.read(List.of(f)))
                .isInstanceOf(DatasetFormatException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("record 1").hasMessageContaining("label 12");
    }

    @Test
    void readsTheFineLabelOfCifar100Records() throws Exception {
        Path f = TestFiles.write(dir.resolve("train.bin"), TestFiles.cifar100Records(4, 99, 0, 57));
        ImageSplit s = CifarBinaryReader.read(List.of(f), CifarFormat.CIFAR100);
        assertThat(s.labels()).containsExactly(99, 0, 57);
        assertThat(s.pixel(2 * 3072 + 1024)).isEqualTo((4 + 2 + 7 * 1024) & 0xFF);
        Path bad = TestFiles.write(dir.resolve("bad100.bin"), TestFiles.cifar100Records(0, 3, 100));
        assertThatThrownBy(() -> CifarBinaryReader.read(List.of(bad), CifarFormat.CIFAR100))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("record 1")
                .hasMessageContaining("label 100").hasMessageContaining("0..99");
        assertThatThrownBy(() -> CifarBinaryReader.read(List.of(f), CifarFormat.CIFAR10))
                .isInstanceOf(DatasetFormatException.class).hasMessageContaining("multiple of 3073");
    }
}
