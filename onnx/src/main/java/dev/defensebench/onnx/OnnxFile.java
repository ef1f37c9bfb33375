package dev.defensebench.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.defensebench.onnx.graph.Model;
import dev.defensebench.onnx.graph.ValueInfo;
import dev.defensebench.onnx.interp.OnnxGraphBlock;
import java.nio.file.Path;
import java.util.Map;

/**
 * An ONNX file that passed the checks made without a runtime ({@link OnnxImporter#inspect}): within its size
 * limit, a well-formed model of standard operators whose input and output fit the data set.
 *
 * @param file where it was read
 * @param bytes its content
 * @param sha256 SHA-256 (hex) of the content
 * @param model the decoded model
 * @param input its image input
 * @param layout how that input lays out the channels
 * @param externalFiles the external data files its tensors are read from, by location relative to its directory (empty
 *     when the file is self-contained; then {@code sha256} is the SHA-256 of {@code bytes}, else it covers these files
 *     too: {@link OnnxFileReader})
 */
public record OnnxFile(Path file, byte[] bytes, String sha256, Model model, ValueInfo input, InputLayout layout,
        Map<String, Path> externalFiles) {

    /**
     * An ONNX Runtime session of the file: created from its bytes when it is self-contained, from its path when it has
     * external data (ONNX Runtime finds external files only relative to a model it loaded from a path).
     */
    public OrtSession session(OrtEnvironment env, OrtSession.SessionOptions options) throws OrtException {
        return externalFiles.isEmpty() ? env.createSession(bytes, options) : env.createSession(file.toString(), options);
    }

    /**
     * Why the graph interpreter cannot run this file (so that it can be neither attacked white-box nor fine-tuned),
     * naming the operator and node; null when every node is interpreted.
     */
    public String whyNotInterpreted() {
        var node = OnnxGraphBlock.firstUnsupported(model.graph());
        return node == null ? null : "ONNX operator " + node.opType() + " at node " + node.describe() + " is not interpreted";
    }

    /** The file as an architecture: a trainable interpreter of its graph, weights initialised from the file. */
    public OnnxArchitecture architecture() {
        return new OnnxArchitecture(this);
    }
}
