package dev.defensebench.data;

import java.util.Objects;

/**
 * A file a data set needs, by its plain name (no directories) and the checksum it must have.
 */
public record RequiredFile(String name, Checksum checksum) {

    /** Rejects names with path separators or {@code ..}, which could escape the cache directory. */
    public RequiredFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(checksum, "checksum");
        if (name.isBlank() || name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("a required file needs a plain file name, found '" + name + "'");
        }
    }
}
