package dev.defensebench.onnx;

import dev.defensebench.onnx.graph.Model;
import dev.defensebench.onnx.graph.ValueInfo;
import dev.defensebench.onnx.interp.OnnxGraphBlock;
import java.nio.file.Path;

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
 */
public record OnnxFile(Path file, byte[] bytes, String sha256, Model model, ValueInfo input, InputLayout layout) {

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
