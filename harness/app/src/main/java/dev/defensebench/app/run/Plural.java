package dev.defensebench.app.run;

/** Counts in log lines: "1 cell", "6 cells". */
public final class Plural {

    private Plural() {}

    /** {@code count} and {@code noun}, with an "s" unless the count is one. */
    public static String of(long count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }
}
