package dev.defensebench.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a text file atomically: the content goes to a temporary file in the same directory, is
 * forced to disk, and is then renamed over the target. Readers see the old file or the complete new
 * one, never a partial one; on failure the temporary file is deleted and the target is untouched.
 */
final class AtomicFiles {

    /** Produces the content of a file. */
    @FunctionalInterface
    interface Content {
        /** Writes the content to {@code out}; the writer is closed by the caller. */
        void writeTo(Writer out) throws IOException;
    }

    private AtomicFiles() {
    }

    /** Writes {@code content} to {@code target} in UTF-8, atomically; creates missing parent directories. */
    static void write(Path target, Content content) throws IOException {
        write(target, content, true);
    }

    /**
     * As {@link #write(Path, Content)}; without {@code durable} the content is not forced to disk before
     * the rename (still atomic for readers, much faster for many small files such as entry pages).
     */
    static void write(Path target, Content content, boolean durable) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
                    Writer out = new BufferedWriter(Channels.newWriter(channel, StandardCharsets.UTF_8))) {
                content.writeTo(out);
                out.flush();
                if (durable) {
                    channel.force(true);
                }
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Copies {@code source} to {@code target} atomically (temporary file in the target's directory, then a rename). */
    static void copy(Path source, Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName() + ".", ".tmp");
        try {
            Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Writes {@code text} to {@code target} in UTF-8 atomically, without forcing it to disk (see {@link #write(Path, Content, boolean)}). */
    static void writeQuickly(Path target, String text) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path temp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName() + ".", ".tmp");
        try {
            Files.write(temp, text.getBytes(StandardCharsets.UTF_8));
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
