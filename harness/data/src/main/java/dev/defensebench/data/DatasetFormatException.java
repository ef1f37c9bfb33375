package dev.defensebench.data;

import java.io.IOException;
import java.nio.file.Path;

/** A data file exists but its content does not have the expected format (wrong magic, truncated, bad label). */
public class DatasetFormatException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;

    /** @param file the offending file, named at the start of the message */
    public DatasetFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }
}
