package dev.defensebench.onnx.graph;

/**
 * A tensor's external data that {@link ExternalData} refuses: a location that is absolute or leaves the model's
 * directory, a missing or short file, a length that does not fit the tensor, or external data where no model directory
 * is known. The message names the tensor and the file.
 */
public final class ExternalDataException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ExternalDataException(String message) {
        super(message);
    }

    public ExternalDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
