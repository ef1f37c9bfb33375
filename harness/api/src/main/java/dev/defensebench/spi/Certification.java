package dev.defensebench.spi;

import java.util.Arrays;

/**
 * What a {@link Certifier} found for each point of a batch: the class it certifies ({@link #ABSTAIN} when
 * it certifies none) and the radius up to which it certifies that class. Point i is certified robust at
 * radius r when {@code predicted[i]} is its true label and {@code r <= radius[i]}; a radius of 0 means
 * only the point itself (a correct, uncertified prediction).
 *
 * @param predicted the certified class per point, or {@link #ABSTAIN}
 * @param radius the certified radius per point (0 when abstaining)
 */
public record Certification(int[] predicted, double[] radius) {

    /** The class of a point the certifier abstains on. */
    public static final int ABSTAIN = -1;

    public Certification {
        if (predicted.length != radius.length) {
            throw new IllegalArgumentException("certification of " + predicted.length + " points has "
                    + radius.length + " radii");
        }
        for (int i = 0; i < radius.length; i++) {
            if (!(radius[i] >= 0) || (predicted[i] == ABSTAIN && radius[i] != 0)) {
                throw new IllegalArgumentException("point " + i + ": radius " + radius[i] + " for class "
                        + predicted[i] + " (radii are >= 0, and 0 when abstaining)");
            }
        }
        predicted = predicted.clone();
        radius = radius.clone();
    }

    /** Number of points. */
    public int size() {
        return predicted.length;
    }

    /** Whether point {@code i}, of true label {@code label}, is certified robust at radius {@code r}. */
    public boolean certifiedAt(int i, long label, double r) {
        return predicted[i] != ABSTAIN && predicted[i] == label && r <= radius[i];
    }

    /** The number of points certified robust at radius {@code r}, for true {@code labels}. */
    public int countCertified(long[] labels, double r) {
        if (labels.length != size()) {
            throw new IllegalArgumentException(labels.length + " labels for " + size() + " certified points");
        }
        int n = 0;
        for (int i = 0; i < labels.length; i++) {
            if (certifiedAt(i, labels[i], r)) {
                n++;
            }
        }
        return n;
    }

    /** The number of points the certifier abstained on. */
    public int abstentions() {
        return (int) Arrays.stream(predicted).filter(p -> p == ABSTAIN).count();
    }

    @Override
    public int[] predicted() {
        return predicted.clone();
    }

    @Override
    public double[] radius() {
        return radius.clone();
    }
}
