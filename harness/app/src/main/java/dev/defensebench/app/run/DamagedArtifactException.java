package dev.defensebench.app.run;

import java.io.IOException;
import java.nio.file.Path;

/** A stored artifact (model card, weights, evaluation) that cannot be read or does not match its record. */
public final class DamagedArtifactException extends IOException {

    private static final long serialVersionUID = 1L;

    /** "FILE is damaged (WHY)". */
    public DamagedArtifactException(Path file, String why) {
        super(file + " is damaged (" + why + ")");
    }
}
