package dev.defensebench.certifiers;

import org.apache.commons.statistics.distribution.BetaDistribution;

/**
 * The one-sided Clopper–Pearson lower confidence bound of a binomial proportion: the p below which
 * seeing {@code successes} or more of {@code trials} has probability at most α, i.e. the α-quantile of
 * Beta(k, n − k + 1) (0 when k = 0). It is what Cohen et al.'s {@code _lower_confidence_bound} computes
 * ({@code proportion_confint(k, n, alpha=2α, method="beta")[0]}).
 */
final class ClopperPearson {

    private ClopperPearson() {}

    /** The lower bound at level {@code alpha} for {@code successes} of {@code trials}. */
    static double lowerBound(long successes, long trials, double alpha) {
        if (trials <= 0 || successes < 0 || successes > trials) {
            throw new IllegalArgumentException(successes + " successes of " + trials + " trials");
        }
        if (!(alpha > 0 && alpha < 1)) {
            throw new IllegalArgumentException("alpha must be in (0, 1), found " + alpha);
        }
        if (successes == 0) {
            return 0;
        }
        return BetaDistribution.of(successes, trials - successes + 1).inverseCumulativeProbability(alpha);
    }
}
