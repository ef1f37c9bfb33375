package dev.defensebench.spi;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import java.util.List;

/**
 * A certification method (randomized smoothing, interval bound propagation, ...), discovered with
 * {@link java.util.ServiceLoader} like attacks. Where an attack gives an upper bound on a model's robust
 * accuracy, a certifier gives a lower bound: each point it certifies at radius r is classified correctly
 * everywhere in the r-ball of {@link #norm()} (for a probabilistic certificate, with probability at least
 * 1 − α over the certifier's own sampling). The harness never looks a certifier up by its name: the board
 * reads {@link #displayName()} and {@link #norm()}.
 */
public interface Certifier {

    /** The id used in experiment files, e.g. "randomized-smoothing". */
    String name();

    /** One line for {@code defense-bench list}. */
    String description();

    /** The name people read on the board, e.g. "Randomized smoothing". */
    String displayName();

    /** The norm of the balls this certifier certifies. */
    Norm norm();

    /**
     * Whether a certificate is about the model itself (interval bounds: true), so that no attack on the
     * model may break a certified point, or about another classifier derived from it (randomized smoothing
     * certifies the smoothed classifier, which the attacks do not attack: false). The harness's
     * certified-versus-attacked cross-check uses only the first kind.
     */
    default boolean certifiesModel() {
        return true;
    }

    /**
     * Why this certifier cannot certify a model whose network is {@code network} (built, possibly not yet
     * initialised), as "not certifiable: ..." naming what stands in the way, or null when it can or cannot tell
     * before running. The harness asks before any work (e.g. for an imported ONNX graph), so that an operator
     * interval bounds cannot pass is reported at once. The default: null.
     */
    default String whyNotCertifiable(Block network) {
        return null;
    }

    /** The certifier's hyper-parameters. */
    List<ParamSpec> parameters();

    /**
     * Checks the ranges of resolved hyper-parameters before any work; an {@link IllegalArgumentException}
     * names the parameter, what it must be and what was found. The default accepts every value.
     */
    default void validate(Hyperparameters params) {}

    /**
     * Certifies {@code inputs} (N, sample...) with true {@code labels} (N, int64). {@code radii} is the
     * experiment's ε grid for {@link #norm()} (ascending, non-negative): a certifier that can only decide
     * given radii (interval bounds) reports the largest of them it certifies; one that computes a radius
     * (smoothing) reports that radius. Every random choice derives from {@code seed}.
     *
     * @throws NotCertifiableException when the model cannot be certified by this method at all
     */
    Certification certify(Classifier model, NDArray inputs, NDArray labels, List<Double> radii,
            Hyperparameters params, long seed);
}
