package dev.defensebench.spi;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.Locale;

/** The norm that measures a perturbation: Euclidean (L2) or maximum absolute pixel change (Linf). */
public enum Norm {
    L2("L2"),
    LINF("Linf");

    private final String label;

    Norm(String label) {
        this.label = label;
    }

    /** The name used in experiment files and CSV columns ("L2", "Linf"). */
    public String label() {
        return label;
    }

    /** Parses "L2"/"l2"/"Linf"/"linf"/"inf"; an error names the allowed values. */
    public static Norm parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("l2")) {
            return L2;
        }
        if (t.equals("linf") || t.equals("inf") || t.equals("l_inf")) {
            return LINF;
        }
        throw new IllegalArgumentException(
                "unknown norm '" + text + "'; allowed: " + Arrays.toString(labels()));
    }

    private static String[] labels() {
        return Arrays.stream(values()).map(Norm::label).toArray(String[]::new);
    }

    /** Per-sample norms of a batch {@code (N, ...)}, as a {@code (N)} array. */
    public NDArray perSample(NDArray batch) {
        NDArray flat = batch.reshape(batch.getShape().get(0), -1);
        return this == L2 ? flat.square().sum(new int[] {1}).sqrt() : flat.abs().max(new int[] {1});
    }
}
