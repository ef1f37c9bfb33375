package dev.defensebench.app.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.report.WilsonInterval;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Examples;
import java.util.Locale;

/**
 * Whether a trained model learned anything, checked on the test subset before it is scored: a model that
 * predicts one class for nearly every test point ({@value #COLLAPSE_SHARE} or more), or whose clean
 * accuracy is not clearly above chance (the lower end of its 95% Wilson interval at or below the accuracy
 * of always guessing the most frequent test label), is a failed training, not a board entry. With fewer
 * than {@value #MIN_TEST_IMAGES} test images nothing can be told apart from chance, and the check is skipped.
 */
final class TrainingQuality {

    /** The share of test points predicted as one class at which a model counts as collapsed. */
    static final double COLLAPSE_SHARE = 0.9;
    /** The fewest test images the check judges a model on. */
    static final int MIN_TEST_IMAGES = 50;

    private TrainingQuality() {}

    /** Why {@code model} is no usable model (one sentence naming the accuracy and the class), or null when it is. */
    static String failure(Classifier model, Examples test, int batchSize, NDManager manager) {
        int n = test.size();
        if (n < MIN_TEST_IMAGES) {
            return null;
        }
        int[] predictedCount = new int[test.numClasses()];
        int[] labelCount = new int[test.numClasses()];
        int correct = 0;
        int per = (int) test.sampleShape().size();
        for (int from = 0; from < n; from += batchSize) {
            int size = Math.min(batchSize, n - from);
            float[] xs = new float[size * per];
            System.arraycopy(test.inputs(), from * per, xs, 0, size * per);
            long[] predicted;
            try (NDScope scope = new NDScope()) {
                NDArray x = manager.create(xs, new Shape(size).addAll(test.sampleShape()));
                predicted = model.predict(x).toLongArray();
            }
            for (int i = 0; i < size; i++) {
                int label = test.labels()[from + i];
                predictedCount[(int) predicted[i]]++;
                labelCount[label]++;
                correct += predicted[i] == label ? 1 : 0;
            }
        }
        int top = argMax(predictedCount);
        double accuracy = (double) correct / n;
        double topShare = (double) predictedCount[top] / n;
        if (topShare >= COLLAPSE_SHARE) {
            return String.format(Locale.ROOT, "collapsed to one class: predicts class %d for %.1f%% of the %d test "
                    + "images (clean accuracy %.1f%%)", top, 100 * topShare, n, 100 * accuracy);
        }
        int frequent = argMax(labelCount);
        double chance = (double) labelCount[frequent] / n;
        WilsonInterval interval = WilsonInterval.of(correct, n);
        if (interval.low() <= chance) {
            return String.format(Locale.ROOT, "not clearly above chance: clean accuracy %.1f%% (95%% interval %.1f%% to "
                    + "%.1f%%) on %d test images, chance %.1f%% (always class %d); it predicts class %d most often "
                    + "(%.1f%%)", 100 * accuracy, 100 * interval.low(), 100 * interval.high(), n, 100 * chance, frequent,
                    top, 100 * topShare);
        }
        return null;
    }

    private static int argMax(int[] counts) {
        int best = 0;
        for (int i = 1; i < counts.length; i++) {
            if (counts[i] > counts[best]) {
                best = i;
            }
        }
        return best;
    }
}
