package dev.defensebench.app.config;

/** An experiment file that cannot be run; the message names the file, the key and what is allowed. */
public final class ExperimentException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ExperimentException(String message) {
        super(message);
    }

    public ExperimentException(String message, Throwable cause) {
        super(message, cause);
    }
}
