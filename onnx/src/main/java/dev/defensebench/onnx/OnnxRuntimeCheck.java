package dev.defensebench.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

/**
 * ONNX Runtime's own load check of an inspected file, run when an experiment is checked (before anything trains):
 * a CPU session is created and closed, so a graph that ONNX Runtime refuses (an unknown operator, a cycle, a type
 * error, a malformed attribute) stops the run at once, with the file and ONNX Runtime's reason, instead of after
 * other entries have trained.
 */
public final class OnnxRuntimeCheck {

    private OnnxRuntimeCheck() {}

    /** Creates and closes an ONNX Runtime session of {@code file}; throws naming the file when it is refused. */
    public static void check(OnnxFile file) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            try (OrtSession session = file.session(env, options)) {
                session.getNumOutputs(); // created: ONNX Runtime accepts the graph
            }
        } catch (OrtException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
            throw new OnnxImportException(file.file() + ": ONNX Runtime refused the model: " + reason, e);
        }
    }
}
