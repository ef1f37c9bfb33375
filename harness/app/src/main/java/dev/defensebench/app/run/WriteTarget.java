package dev.defensebench.app.run;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Errors of writing a user-named output file say which file: a write into a temporary file that is
 * renamed into place otherwise reports only the temporary file, or nothing but "No space left on device".
 * The target is checked before any work, without creating anything: an existing directory, device, pipe
 * or socket is never replaced (the atomic rename would replace any of them but a directory).
 */
public final class WriteTarget {

    private WriteTarget() {}

    /**
     * Checks before any work that {@code target} is a regular file or does not exist yet, and that a file
     * can be created in its directory, or in the nearest existing folder above it when its directory does
     * not exist yet (a temporary file is created there and removed; no folder is created). The error
     * names {@code target} and the reason.
     */
    public static void probe(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw new IOException("cannot write " + absolute + ": it is an existing directory; name a file");
        }
        if (Files.exists(absolute) && !Files.isRegularFile(absolute)) {
            throw new IOException("cannot write " + absolute + ": it exists and is not a regular file (a device, pipe "
                    + "or socket); only a regular file is replaced");
        }
        Path folder = existingFolder(absolute);
        if (!Files.isDirectory(folder)) {
            throw new IOException("cannot write " + absolute + ": " + folder + " is not a directory");
        }
        try {
            Files.delete(Files.createTempFile(folder, ".defense-bench-write-check", ".tmp"));
        } catch (IOException e) {
            throw failure(target, e);
        }
    }

    /** The nearest existing path at or above {@code target}'s directory: where a file can be created before its folders exist. */
    public static Path existingFolder(Path target) {
        Path folder = target.toAbsolutePath().getParent();
        while (folder.getParent() != null && !Files.exists(folder)) {
            folder = folder.getParent();
        }
        return folder;
    }

    /** An {@link IOException} naming {@code target} and the reason of {@code cause}. */
    public static IOException failure(Path target, IOException cause) {
        String reason = cause instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason()
                : cause instanceof AccessDeniedException ? "permission denied"
                : cause instanceof NoSuchFileException ? "its directory does not exist or does not accept new files"
                : cause instanceof FileSystemException ? cause.getClass().getSimpleName()
                : cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
        return new IOException("cannot write " + target.toAbsolutePath() + ": " + reason, cause);
    }
}
