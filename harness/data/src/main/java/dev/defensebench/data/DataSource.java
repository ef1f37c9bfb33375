package dev.defensebench.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One place a data file can come from (a local directory, an HTTPS mirror, an npm package). Sources do
 * not verify checksums: {@link DataFetcher} does, and tries the next source on a mismatch.
 */
public interface DataSource extends AutoCloseable {

    /** One line naming the source for logs and error messages, e.g. {@code HTTPS mirror https://...}. */
    String describe();

    /**
     * Writes the complete, uncompressed file {@code fileName} to {@code target} (replacing what is there).
     *
     * @throws IOException whose message says why this source cannot supply the file (not found, HTTP
     *         status, network error, tool missing, ...)
     */
    void fetch(String fileName, Path target) throws IOException;

    /** Releases temporary resources (downloaded packages, temp directories); a no-op by default. */
    @Override
    default void close() throws IOException {
    }
}
