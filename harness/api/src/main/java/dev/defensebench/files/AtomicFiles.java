package dev.defensebench.files;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Writes files atomically, the one way every artifact of a run is written: the content goes to a temporary
 * file in the target's directory, is forced to disk (unless asked not to), and is renamed over the target.
 * Readers see the old file or the complete new one, never a part; on failure the temporary file is deleted
 * and the target is untouched. The temporary file is created with the process's default permissions, so
 * the result honours the umask (0644 under the usual 022), and a web server can serve the site.
 */
public final class AtomicFiles {

    /** Produces the content of a text file. */
    @FunctionalInterface
    public interface Content {
        /** Writes the content to {@code out}; the writer is closed by the caller. */
        void writeTo(Writer out) throws IOException;
    }

    /** Produces the content of a file as bytes. */
    @FunctionalInterface
    private interface Bytes {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {}

    /** Writes {@code content} to {@code target}; creates missing parent directories. */
    public static void write(Path target, byte[] content) throws IOException {
        writeBytes(target, out -> out.write(content), true);
    }

    /** Writes {@code content} to {@code target} in UTF-8; creates missing parent directories. */
    public static void write(Path target, Content content) throws IOException {
        write(target, content, true);
    }

    /**
     * As {@link #write(Path, Content)}; without {@code durable} the content is not forced to disk before
     * the rename (still atomic for readers, much faster for many small files such as entry pages).
     */
    public static void write(Path target, Content content, boolean durable) throws IOException {
        writeBytes(target, out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
            content.writeTo(writer);
            writer.flush();
        }, durable);
    }

    /** Copies {@code source} to {@code target} atomically. */
    public static void copy(Path source, Path target) throws IOException {
        writeBytes(target, out -> Files.copy(source, out), false);
    }

    private static void writeBytes(Path target, Bytes content, boolean durable) throws IOException {
        Path absolute = target.toAbsolutePath();
        try {
            writeAtomically(absolute, content, durable);
        } catch (IOException e) {
            throw naming(absolute, e);
        }
    }

    /**
     * {@code cause} as an exception whose message names {@code target} and the reason: a full disk reports
     * only "No space left on device", a failed temporary file names only the temporary file.
     */
    static FileSystemException naming(Path target, IOException cause) {
        if (cause instanceof FileSystemException fs && target.toString().equals(fs.getFile()) && fs.getOtherFile() == null) {
            return fs;
        }
        String reason = cause instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason()
                : cause instanceof AccessDeniedException ? "permission denied"
                : cause instanceof NoSuchFileException ? "its directory does not exist or does not accept new files"
                : cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        FileSystemException named = new FileSystemException(target.toString(), null, reason);
        named.initCause(cause);
        return named;
    }

    private static void writeAtomically(Path absolute, Bytes content, boolean durable) throws IOException {
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + absolute.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            // no explicit permissions: the file gets 0666 minus the umask, as any file the user creates
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                OutputStream out = Channels.newOutputStream(channel);
                content.writeTo(out);
                out.flush();
                if (durable) {
                    channel.force(true);
                }
            }
            try {
                Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
