package dev.defensebench.onnx.graph;

/** An ONNX OperatorSetIdProto: an operator domain and its version. */
public record OpsetId(String domain, long version) {

    public OpsetId {
        domain = domain == null ? "" : domain;
    }

    /** Whether {@code domain} names the standard ONNX operators ("" or "ai.onnx"). */
    public static boolean isDefaultDomain(String domain) {
        return domain == null || domain.isEmpty() || domain.equals("ai.onnx");
    }
}
