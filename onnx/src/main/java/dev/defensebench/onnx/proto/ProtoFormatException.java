package dev.defensebench.onnx.proto;

/**
 * ONNX bytes the codec refuses: not well-formed protocol-buffer wire format (truncated, corrupted, nested
 * too deep, or not protobuf at all), or a well-formed message that is not a self-contained ONNX model.
 */
public final class ProtoFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ProtoFormatException(String message) {
        super(message);
    }

    public ProtoFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
