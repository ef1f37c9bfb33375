package dev.defensebench.spark;

import dev.defensebench.app.run.RunJob;
import dev.defensebench.app.run.TinyMnist;
import dev.defensebench.data.DatasetRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** A serializable registry of the {@link TinyMnist} data set in {@code directory}, for Spark tasks. */
record TinyRegistry(String directory) implements RunJob.Registry {

    private static final long serialVersionUID = 1L;

    @Override
    public DatasetRegistry get() {
        try {
            return TinyMnist.read(Path.of(directory)).registry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
