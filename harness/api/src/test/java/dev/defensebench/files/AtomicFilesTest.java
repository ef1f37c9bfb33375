package dev.defensebench.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Atomic writes leave the complete content, no temporary file, and the permissions the umask gives. */
class AtomicFilesTest {

    /** The permissions of a file created plainly in {@code dir}: 0666 minus the umask (0644 under 022). */
    static Set<PosixFilePermission> umaskPermissions(Path dir) throws IOException {
        Path control = Files.createFile(dir.resolve("control-" + System.nanoTime()));
        try {
            return Files.getPosixFilePermissions(control);
        } finally {
            Files.delete(control);
        }
    }

    @Test
    void writtenFilesHonourTheUmaskLikeAnyOtherFile(@TempDir Path dir) throws IOException {
        Path bytes = dir.resolve("a/model.params");
        Path text = dir.resolve("b/index.html");
        Path copy = dir.resolve("c/results.csv");
        AtomicFiles.write(bytes, new byte[] {1, 2, 3});
        AtomicFiles.write(text, out -> out.write("<p>é</p>"));
        AtomicFiles.copy(text, copy);
        AtomicFiles.write(text, out -> out.write("<p>new</p>"), false);

        Set<PosixFilePermission> expected = umaskPermissions(dir);
        // under the usual umask 022 others may read (a temporary file would have 0600)
        assertThat(expected).contains(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        for (Path p : new Path[] {bytes, text, copy}) {
            assertThat(Files.getPosixFilePermissions(p)).as(p.toString()).isEqualTo(expected);
        }
        assertThat(Files.readAllBytes(bytes)).containsExactly(1, 2, 3);
        assertThat(Files.readString(text)).isEqualTo("<p>new</p>");
        assertThat(Files.readString(copy)).isEqualTo("<p>é</p>");
        try (Stream<Path> all = Files.walk(dir)) {
            assertThat(all.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    @Test
    void aFailedWriteLeavesTheOldFileAndNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("results.csv");
        AtomicFiles.write(target, out -> out.write("old"));
        try {
            AtomicFiles.write(target, out -> {
                out.write("partial");
                throw new IOException("disk full");
            });
        } catch (IOException expected) {
            assertThat(expected).hasMessage(target.toAbsolutePath() + ": disk full"); // named since #25
        }
        assertThat(Files.readString(target)).isEqualTo("old");
        try (Stream<Path> all = Files.list(dir)) {
            assertThat(all).containsExactly(target);
        }
    }

    @Test
    void aFullDiskDuringTheWriteNamesTheTargetAndKeepsTheOldFile(@TempDir Path dir) throws IOException {
        Path target = Files.writeString(dir.resolve("results.csv"), "old");
        // what FileChannel.write throws on ENOSPC: an IOException whose message is only the reason
        assertThatThrownBy(() -> AtomicFiles.write(target, out -> {
            out.write("part");
            throw new IOException("No space left on device");
        })).isInstanceOf(java.nio.file.FileSystemException.class)
                .hasMessage(target.toAbsolutePath() + ": No space left on device");
        assertThat(Files.readString(target)).isEqualTo("old");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void aFailureOnTheTemporaryFileNamesTheTargetNotTheTemporaryFile(@TempDir Path dir) throws IOException {
        Path notADirectory = Files.writeString(dir.resolve("file"), "x");
        Path target = notADirectory.resolve("results.csv");
        assertThatThrownBy(() -> AtomicFiles.write(target, new byte[] {1}))
                .isInstanceOf(java.nio.file.FileSystemException.class)
                .hasMessageStartingWith(target.toAbsolutePath() + ": ").hasMessageNotContaining(".tmp");
    }
}
