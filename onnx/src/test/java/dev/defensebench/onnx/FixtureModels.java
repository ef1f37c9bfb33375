package dev.defensebench.onnx;

import dev.defensebench.onnx.graph.Attribute;
import dev.defensebench.onnx.graph.Dimension;
import dev.defensebench.onnx.graph.Graph;
import dev.defensebench.onnx.graph.Model;
import dev.defensebench.onnx.graph.Node;
import dev.defensebench.onnx.graph.OpsetId;
import dev.defensebench.onnx.graph.Tensor;
import dev.defensebench.onnx.graph.ValueInfo;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * ONNX models written the way other tools write them, not the way this project's exporter does: an
 * explicit Flatten, Gemm layers (one with transB=1, one without), weights in raw_data, a fixed-size
 * output name of its own, and a symbolic batch called "N". Also variants with an operator outside
 * the interpreter's set and with a non-standard operator domain.
 */
public final class FixtureModels {

    /** Hidden units of the fixture MLP. */
    static final int HIDDEN = 16;

    /** The weights of a fixture MLP for {@code features} inputs and {@code classes} outputs. */
    public record Weights(int features, int classes, float[] w1, float[] b1, float[] w2, float[] b2) {

        /** Seeded random weights. */
        public static Weights random(int features, int classes, long seed) {
            Random r = new Random(seed);
            return new Weights(features, classes, FixtureModels.gaussian(r, HIDDEN * features, 0.3f), FixtureModels.gaussian(r, HIDDEN, 0.1f),
                    FixtureModels.gaussian(r, HIDDEN * classes, 0.5f), FixtureModels.gaussian(r, classes, 0.1f));
        }

        /** The logits, computed in double precision: w2ᵀ·relu(w1·x + b1) + b2 (w1 is HIDDEN×features, w2 HIDDEN×classes). */
        public double[] logits(float[] x) {
            double[] h = new double[HIDDEN];
            for (int j = 0; j < HIDDEN; j++) {
                double s = b1[j];
                for (int i = 0; i < features; i++) {
                    s += (double) w1[j * features + i] * x[i];
                }
                h[j] = Math.max(0, s);
            }
            double[] out = new double[classes];
            for (int k = 0; k < classes; k++) {
                double s = b2[k];
                for (int j = 0; j < HIDDEN; j++) {
                    s += h[j] * w2[j * classes + k];
                }
                out[k] = s;
            }
            return out;
        }
    }

    private FixtureModels() {}

    private static float[] gaussian(Random r, int n, float scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return v;
    }

    /** Flatten → Gemm(transB=1) → {@code activation} → Gemm(transB=0), raw-data initializers, in {@code domain}. */
    public static Model mlp(Weights w, long[] sampleShape, String activation, String activationDomain) {
        List<Tensor> init = List.of(
                Tensor.ofFloats("fc1.W", new long[] {HIDDEN, w.features()}, w.w1()).asRaw(),
                Tensor.ofFloats("fc1.b", new long[] {HIDDEN}, w.b1()).asRaw(),
                Tensor.ofFloats("fc2.W", new long[] {HIDDEN, w.classes()}, w.w2()).asRaw(),
                Tensor.ofFloats("fc2.b", new long[] {w.classes()}, w.b2()).asRaw());
        List<Node> nodes = List.of(
                new Node("flat", "Flatten", "", List.of("images"), List.of("f"), List.of(Attribute.ofInt("axis", 1))),
                new Node("fc1", "Gemm", "", List.of("f", "fc1.W", "fc1.b"), List.of("h"),
                        List.of(Attribute.ofInt("transB", 1), Attribute.ofFloat("alpha", 1f))),
                new Node("act", activation, activationDomain, List.of("h"), List.of("a"), List.of()),
                new Node("fc2", "Gemm", "", List.of("a", "fc2.W", "fc2.b"), List.of("scores"), List.of()));
        List<Dimension> in = new java.util.ArrayList<>(List.of(Dimension.named("N")));
        for (long d : sampleShape) {
            in.add(Dimension.of(d));
        }
        Graph graph = new Graph("fixture", nodes, init, List.of(new ValueInfo("images", Tensor.FLOAT, in)),
                List.of(new ValueInfo("scores", Tensor.FLOAT, List.of(Dimension.named("N"), Dimension.of(w.classes())))));
        List<OpsetId> opsets = activationDomain.isEmpty() ? List.of(new OpsetId("", 13))
                : List.of(new OpsetId("", 13), new OpsetId(activationDomain, 1));
        return new Model(8, opsets, "fixture-writer", "1.0", graph, Map.of("author", "test"));
    }
}
