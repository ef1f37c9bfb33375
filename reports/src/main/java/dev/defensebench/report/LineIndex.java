package dev.defensebench.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Maps character offsets of a text to 1-based line numbers (line ends: \n, \r\n or \r). */
final class LineIndex {

    private final int[] lineStarts;

    LineIndex(String text) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'))) {
                starts.add(i + 1);
            }
        }
        lineStarts = starts.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The 1-based line that holds the character at {@code offset}. */
    long lineOf(long offset) {
        int index = Arrays.binarySearch(lineStarts, (int) Math.min(offset, Integer.MAX_VALUE));
        return (index >= 0 ? index : -index - 2) + 1L;
    }
}
