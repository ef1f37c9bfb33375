package dev.defensebench.data;

import java.io.IOException;

/** An archive entry that would be written (or link) outside the extraction directory; nothing of it is written. */
public class UnsafeArchiveException extends IOException {

    private static final long serialVersionUID = 1L;

    private final String entryName;

    /** @param entryName the offending entry, as named in the archive */
    public UnsafeArchiveException(String archive, String entryName, String problem) {
        super(archive + ": refusing entry '" + entryName + "': " + problem);
        this.entryName = entryName;
    }

    /** The offending entry's name, as it appears in the archive. */
    public String entryName() {
        return entryName;
    }
}
