package dev.defensebench.data;

import java.util.Objects;

/**
 * A data set loaded into memory, with a stable identity for provenance.
 *
 * @param name       registry name, e.g. {@code mnist}
 * @param numClasses labels lie in {@code 0..numClasses-1}
 * @param sha256     lower-case hex SHA-256 over the verified source files' SHA-256 hashes (see
 *                   {@link Checksum#identity}): the same bytes give the same value wherever they came from
 */
public record LoadedDataset(String name, int numClasses, ImageSplit train, ImageSplit test, String sha256) {

    /** Checks that both splits share one image shape and that every label is below {@code numClasses}. */
    public LoadedDataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
        Objects.requireNonNull(sha256, "sha256");
        if (numClasses <= 0) {
            throw new IllegalArgumentException(name + ": numClasses must be positive, found " + numClasses);
        }
        if (train.channels() != test.channels() || train.height() != test.height() || train.width() != test.width()) {
            throw new IllegalArgumentException(name + ": train images are " + train.channels() + "x" + train.height()
                    + "x" + train.width() + " but test images are " + test.channels() + "x" + test.height() + "x"
                    + test.width());
        }
        checkLabels(name, "train", train, numClasses);
        checkLabels(name, "test", test, numClasses);
    }

    private static void checkLabels(String name, String split, ImageSplit s, int numClasses) {
        int[] labels = s.labels();
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] >= numClasses) {
                throw new IllegalArgumentException(name + ": " + split + " label " + i + " is " + labels[i]
                        + ", expected 0.." + (numClasses - 1));
            }
        }
    }

    /** Image shape {@code {C, H, W}}. */
    public int[] imageShape() {
        return new int[] {train.channels(), train.height(), train.width()};
    }
}
