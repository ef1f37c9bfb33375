package dev.defensebench.defenses;

import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.ParamSpec;
import dev.defensebench.spi.TrainingRequest;

/**
 * The baselines' {@code train_subset} parameter: train on the first N images of the experiment's training
 * set only, so a costly defense (PGD or TRADES: one forward-backward pass per inner step) fits a small
 * budget such as the quick start's without shrinking the other entries' training sets.
 */
final class TrainingSubset {

    static final String KEY = "train_subset";

    private TrainingSubset() {}

    static ParamSpec parameter() {
        return ParamSpec.ofInt(KEY, 0, "train on the first N training images only (0 = all of them)");
    }

    /** Checks the parameter's range. */
    static void check(Hyperparameters params, String owner) {
        int n = params.getInt(KEY);
        InnerPgd.require(n >= 0, owner, KEY, "an integer >= 0 (0 = all)", n);
    }

    /** The request with its data cut to the first {@code train_subset} images (unchanged for 0). */
    static TrainingRequest apply(TrainingRequest request, String owner) {
        check(request.params(), owner);
        int n = request.params().getInt(KEY);
        if (n == 0 || n >= request.data().size()) {
            return request;
        }
        return new TrainingRequest(request.data().first(n), request.architecture(), request.params(), request.seed(),
                request.device(), request.initialWeights(), request.progress());
    }
}
