package dev.defensebench.app.run;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.app.config.AttackEntry;
import dev.defensebench.app.config.ResolvedAttack;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Examples;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.ProgressListener;
import dev.defensebench.testing.LinearClassifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A random linear classifier of 1×4×4 inputs in [0, 1] with 4 classes, and the evaluator run on it, for the evaluator tests. */
final class ToyLinear {

    static final Shape SAMPLE = new Shape(1, 4, 4);
    static final InputBox BOX = InputBox.uniform(0, 1, SAMPLE);

    private ToyLinear() {}

    /** z = W x with W drawn from N(0, 1) by {@code random}. */
    static LinearClassifier random(NDManager m, Random random) {
        float[][] w = new float[4][16];
        for (float[] row : w) {
            for (int j = 0; j < 16; j++) {
                row[j] = (float) random.nextGaussian();
            }
        }
        return new LinearClassifier(m.create(w), m.zeros(new Shape(4)), BOX);
    }

    /** {@code inputs} (N × 16 values) labelled by {@code labeller}'s predictions, so every point starts correct. */
    static Examples labelled(Classifier labeller, NDManager m, float[] inputs) {
        int n = inputs.length / 16;
        long[] predicted = labeller.predict(m.create(inputs, new Shape(n).addAll(SAMPLE))).toLongArray();
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (int) predicted[i];
        }
        return new Examples(inputs, labels, SAMPLE, 4, BOX);
    }

    /** The evaluation of {@code model} on {@code test} under {@code attacks}, in batches of 30. */
    static Evaluation evaluate(Plugins plugins, Classifier model, NDManager m, Examples test, List<AttackEntry> attacks) {
        List<ResolvedAttack> resolved = new ArrayList<>();
        for (int i = 0; i < attacks.size(); i++) {
            resolved.add(ResolvedAttack.resolve("attacks[" + i + "]", attacks.get(i), plugins));
        }
        return new Evaluator(30, ProgressListener.SILENT).evaluate(new Evaluator.Subject("toy", "toy/linear/s0",
                "none", "linear", "toy", "unit", 0, "hash", 0), model, m, test, resolved);
    }
}
