package dev.defensebench.onnx.proto;

/**
 * ONNX bytes the codec refuses: not well-formed protocol-buffer wire format (truncated, corrupted, nested
 * too deep, or not protobuf at all), or a well-formed message that is not a valid ONNX model (external data that
 * cannot be read is an {@link dev.defensebench.onnx.graph.ExternalDataException}).
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
