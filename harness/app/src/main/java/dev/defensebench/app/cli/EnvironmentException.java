package dev.defensebench.app.cli;

import ai.djl.Device;
import dev.defensebench.kernels.NumericsCheck;

/** The machine cannot run the job correctly (e.g. wrong float32 convolutions); exit code 4, no trace. */
final class EnvironmentException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    EnvironmentException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Runs {@link NumericsCheck} on {@code device} before any training or attack. */
    static void requireSoundNumerics(Device device) {
        try {
            NumericsCheck.requireSoundKernels(device);
        } catch (IllegalStateException e) {
            throw new EnvironmentException(e.getMessage(), e);
        }
    }
}
