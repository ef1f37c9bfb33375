package dev.defensebench.data;

import java.io.IOException;
import java.nio.file.Path;

/** Knows how to obtain, verify and read one data set; registered in a {@link DatasetRegistry}. */
public interface DatasetLoader {

    /** Registry name, lower case, e.g. {@code mnist}. */
    String name();

    /** Number of classes; labels lie in {@code 0..numClasses-1}. */
    int numClasses();

    /**
     * Loads the data set, fetching and verifying its files first when needed.
     *
     * @param dataDir the data directory: files placed there by hand are used, fetched files are cached in
     *                {@code dataDir/<name>/}
     */
    LoadedDataset load(Path dataDir) throws IOException;
}
