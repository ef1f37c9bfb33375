package dev.defensebench.app.run;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Shapes as comma-separated text ("1,28,28") for metadata, cards and messages. */
final class LongsText {

    private LongsText() {}

    static String of(long[] values) {
        return Arrays.stream(values).mapToObj(Long::toString).collect(Collectors.joining(","));
    }
}
