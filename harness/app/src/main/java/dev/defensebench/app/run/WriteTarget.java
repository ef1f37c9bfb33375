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
 */
public final class WriteTarget {

    private WriteTarget() {}

    /**
     * Checks before any work that a file can be created next to {@code target} (a temporary file is
     * created there and removed); the error names {@code target} and the reason.
     */
    public static void probe(Path target) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        try {
            Files.createDirectories(parent);
            Files.delete(Files.createTempFile(parent, ".defense-bench-write-check", ".tmp"));
        } catch (IOException e) {
            throw failure(target, e);
        }
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
