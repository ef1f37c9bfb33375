package dev.defensebench.train;

/**
 * Training produced a non-finite loss or weight: the run of that model stops at once and nothing of it
 * is saved. The message says what went non-finite and where (epoch and step, both counted from 1).
 */
public final class TrainingDivergedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(String message) {
        super(message);
    }
}
