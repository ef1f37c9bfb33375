package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.StageOutcome;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Times the stages of an ensemble on one batch and counts the points still robust after each, adding a
 * {@link StageOutcome} per stage to a list and logging it (at debug level: one line per batch; the
 * evaluator logs the totals).
 */
final class StageClock {

    private static final Logger LOG = LoggerFactory.getLogger(StageClock.class);

    private final Classifier model;
    private final NDArray labels;
    private final double eps;
    private final List<StageOutcome> sink;
    private long since = System.nanoTime();

    StageClock(Classifier model, NDArray labels, double eps, List<StageOutcome> sink) {
        this.model = model;
        this.labels = labels;
        this.eps = eps;
        this.sink = sink;
    }

    /** Records that {@code stage} ended with {@code adversarial} (all stages so far applied). */
    void mark(String stage, NDArray adversarial) {
        double seconds = (System.nanoTime() - since) / 1e9;
        boolean[] broken = Checks.misclassified(model, adversarial, labels);
        int robust = Batches.where(broken, false).length;
        sink.add(new StageOutcome(stage, eps, robust, broken.length, seconds));
        LOG.debug(String.format(Locale.ROOT, "eps %.4g: after %s %d/%d robust, %.2f s", eps, stage, robust, broken.length,
                seconds));
        since = System.nanoTime();
    }
}
