package dev.defensebench.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A stored file is reused only while it matches its SHA-256 file; sha256sum verifies that file independently. */
class DigestedFileTest {

    private static final byte[] CONTENT = "{\"robustAccuracy\" : 0.08}".getBytes(StandardCharsets.UTF_8);

    @Test
    void whatWasWrittenIsReadBackAndSha256sumAcceptsTheDigest(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("e.json");
        DigestedFile.write(file, CONTENT);

        assertThat(DigestedFile.read(file)).isEqualTo(CONTENT);
        assertThat(DigestedFile.digestOf(file)).hasFileName("e.json.sha256");
        Process check = new ProcessBuilder("sha256sum", "-c", "e.json.sha256").directory(dir.toFile())
                .redirectErrorStream(true).start();
        String said = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor()).as(said).isZero();
        assertThat(said).isEqualTo("e.json: OK\n");
    }

    @Test
    void aSameSizeEditIsNamed(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("e.json");
        DigestedFile.write(file, CONTENT);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(CONTENT.length - 3);
            f.write('9'); // 0.08 -> 0.98
        }
        assertThat(Files.readString(file)).contains("0.98");

        assertThatThrownBy(() -> DigestedFile.read(file)).isInstanceOf(DigestedFile.MismatchException.class)
                .hasMessageStartingWith(file + " does not match its digest (e.json.sha256 records SHA-256 ")
                .hasMessageEndingWith("edited or damaged since it was written");
    }

    @Test
    void aMissingDigestIsNamedAndAMissingFileIsNone(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("e.json"), CONTENT);
        assertThatThrownBy(() -> DigestedFile.read(file)).isInstanceOf(DigestedFile.MismatchException.class)
                .hasMessage(file + " has no digest (e.json.sha256 is missing)");
        assertThat(DigestedFile.read(dir.resolve("absent.json"))).isNull();
    }
}
