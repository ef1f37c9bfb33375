package dev.defensebench.onnx;

import dev.defensebench.onnx.graph.Attribute;
import dev.defensebench.onnx.graph.Graph;
import dev.defensebench.onnx.graph.Node;
import dev.defensebench.onnx.graph.Tensor;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The load-time refusal of a file whose float weights are not all finite: a NaN or infinite initializer (or Constant
 * node value) would be scored and ranked like a real model, so it is refused naming the tensor, the element and the
 * file.
 */
final class FiniteWeights {

    private FiniteWeights() {}

    /** Throws an {@link OnnxImportException} at the first non-finite value of an initializer or Constant of {@code g}. */
    static void check(Path file, Graph g) {
        for (Tensor t : g.initializers()) {
            check(file, t, "initializer '" + t.name() + "'");
        }
        for (Node n : g.nodes()) {
            if (n.opType().equals("Constant")) {
                Attribute value = n.attribute("value");
                if (value != null && value.t() != null) {
                    check(file, value.t(), "the value of Constant node " + n.describe());
                }
            }
        }
    }

    private static void check(Path file, Tensor t, String what) {
        float[] v = t.floats();
        if (v == null) {
            return;
        }
        for (int i = 0; i < v.length; i++) {
            if (!Float.isFinite(v[i])) {
                throw new OnnxImportException(String.format(Locale.ROOT,
                        "%s: %s holds a non-finite weight (%s at flat index %d of %d); a model with NaN or infinite "
                                + "weights cannot be scored", file, what, v[i], i, v.length));
            }
        }
    }
}
