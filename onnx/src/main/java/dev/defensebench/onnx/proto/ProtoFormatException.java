package dev.defensebench.onnx.proto;

/** Bytes that are not well-formed protocol-buffer wire format (truncated, corrupted, or not protobuf at all). */
public final class ProtoFormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ProtoFormatException(String message) {
        super(message);
    }
}
