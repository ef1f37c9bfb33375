package dev.defensebench.onnx;

import dev.defensebench.onnx.graph.Model;
import dev.defensebench.onnx.graph.Node;
import dev.defensebench.spi.Classifier;

/**
 * An accepted ONNX file, ready to score.
 *
 * @param classifier the model: the graph interpreted on DJL arrays (white-box) or an ONNX Runtime session (black-box)
 * @param path {@link #DJL} or {@link #ONNX_RUNTIME}: which one was used
 * @param whyNotDjl why the graph does not run in DJL (null when it does, or when that was not tried)
 * @param blockingNode the node whose operator (or attribute) the interpreter cannot run, or null
 * @param model the decoded file (operators, metadata)
 * @param sha256 the file's identity: its SHA-256 (hex), covering its external data files when it has any ({@link OnnxFileReader})
 * @param bytes the file's size
 * @param maxDifference largest |logit| difference between DJL and ONNX Runtime on the probe batch (NaN when not compared)
 */
public record ImportedModel(Classifier classifier, String path, String whyNotDjl, Node blockingNode, Model model, String sha256, long bytes,
        double maxDifference) implements AutoCloseable {

    /** Run in DJL by the graph interpreter: gradients available, white-box attacks apply. */
    public static final String DJL = "djl";
    /** Scored through ONNX Runtime: logits only. */
    public static final String ONNX_RUNTIME = "onnx-runtime";

    /** Whether gradient-based (white-box) attacks can run on it. */
    public boolean whiteBox() {
        return path.equals(DJL);
    }

    @Override
    public void close() {
        if (classifier instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot release the ONNX model: " + e.getMessage(), e);
            }
        }
    }
}
