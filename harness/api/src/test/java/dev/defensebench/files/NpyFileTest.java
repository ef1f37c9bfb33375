package dev.defensebench.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The .npy reader on files NumPy 1.24 wrote (src/test/resources/npy, made by make_fixtures.py there: element
 * i is i/8) and on broken files.
 */
class NpyFileTest {

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(NpyFileTest.class.getResource("/npy/" + name).toURI());
    }

    @Test
    void readsWhatNumpyWrites() throws Exception {
        for (String name : new String[] {"float32.npy", "float64-big-endian.npy", "float32-v2.npy"}) {
            NpyFile f = NpyFile.read(fixture(name));
            assertThat(f.shape()).as(name).containsExactly(2, 3, 4);
            assertThat(f.values()).as(name).hasSize(24);
            for (int i = 0; i < 24; i++) {
                assertThat(f.values()[i]).as(name + " element " + i).isEqualTo(i / 8f);
            }
        }
    }

    @Test
    void refusesOtherTypesAndFortranOrder() {
        assertThatThrownBy(() -> NpyFile.read(fixture("int64.npy"))).hasMessageContaining("int64.npy")
                .hasMessageContaining("dtype '<i8'");
        assertThatThrownBy(() -> NpyFile.read(fixture("fortran.npy"))).hasMessageContaining("Fortran order");
    }

    @Test
    void refusesTruncatedAndForeignFiles(@TempDir Path dir) throws Exception {
        byte[] whole = Files.readAllBytes(fixture("float32.npy"));
        Path truncated = dir.resolve("truncated.npy");
        Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length - 4));
        assertThatThrownBy(() -> NpyFile.read(truncated)).isInstanceOf(IOException.class)
                .hasMessageContaining("truncated.npy").hasMessageContaining("announces 24 elements");
        Path text = dir.resolve("text.npy");
        Files.writeString(text, "x,y\n1,2\n");
        assertThatThrownBy(() -> NpyFile.read(text)).hasMessageContaining("not a NumPy .npy file");
    }
}
