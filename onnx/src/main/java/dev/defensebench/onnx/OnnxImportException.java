package dev.defensebench.onnx;

/**
 * An ONNX file that is refused: not ONNX, truncated or corrupted, over the size limit, using
 * non-standard operators, or not fitting the data set (input shape, class count). The message names
 * the file and the problem. An {@link IllegalArgumentException}, so the command line reports it as a
 * user error.
 */
public final class OnnxImportException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public OnnxImportException(String message) {
        super(message);
    }

    public OnnxImportException(String message, Throwable cause) {
        super(message, cause);
    }
}
