package dev.defensebench.app.run;

import ai.djl.ndarray.NDArray;
import dev.defensebench.report.GalleryExample;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.EpsilonOutcome;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps a few adversarial examples per attack for the entry pages: from the first batch of each
 * attack, at the largest ε of its grid, the first {@code perAttack} test points the model classifies
 * correctly (fooled or not, as they come), with the clean and adversarial pixels mapped to display range
 * through the input box ({@code (v − lower) / (upper − lower)}, which also undoes a mean subtraction).
 */
public final class GalleryRecorder {

    private final int perAttack;
    private final List<GalleryExample> examples = new ArrayList<>();

    /** Keeps {@code perAttack} examples per attack (0 keeps none). */
    public GalleryRecorder(int perAttack) {
        this.perAttack = perAttack;
    }

    /**
     * Records examples from one attack's first batch.
     *
     * @param inputs the batch (N, sample...) the attack ran on
     * @param labels the batch's true labels
     */
    void record(String modelId, String attack, Norm norm, Classifier model, NDArray inputs, int[] labels,
            AttackResult result) {
        if (perAttack <= 0 || result.outcomes().isEmpty()) {
            return;
        }
        EpsilonOutcome outcome = result.outcomes().get(result.outcomes().size() - 1);
        if (outcome.adversarial() == null) {
            return; // an attack that reports success only has no examples to show
        }
        long[] cleanPredicted = model.predict(inputs).toLongArray();
        long[] advPredicted = model.predict(outcome.adversarial()).toLongArray();
        float[] clean = inputs.toFloatArray();
        float[] adversarial = outcome.adversarial().toFloatArray();
        InputBox box = model.box();
        int per = box.lower().length;
        long[] shape = model.sampleShape().getShape();
        int channels = shape.length == 3 ? (int) shape[0] : 1;
        int height = shape.length >= 2 ? (int) shape[shape.length - 2] : 1;
        int width = (int) shape[shape.length - 1];
        int kept = 0;
        for (int i = 0; i < labels.length && kept < perAttack; i++) {
            if (cleanPredicted[i] != labels[i]) {
                continue;
            }
            float[] c = new float[per];
            float[] a = new float[per];
            double sumSq = 0;
            double maxAbs = 0;
            for (int k = 0; k < per; k++) {
                float x = clean[i * per + k];
                float xa = adversarial[i * per + k];
                double d = xa - x;
                sumSq += d * d;
                maxAbs = Math.max(maxAbs, Math.abs(d));
                float span = box.upper()[k] - box.lower()[k];
                c[k] = span > 0 ? (x - box.lower()[k]) / span : 0f;
                a[k] = span > 0 ? (xa - box.lower()[k]) / span : 0f;
            }
            double size = norm == Norm.L2 ? Math.sqrt(sumSq) : maxAbs;
            examples.add(new GalleryExample(modelId, attack, norm.label(), outcome.epsilon(), labels[i],
                    (int) cleanPredicted[i], (int) advPredicted[i], channels, height, width, c, a, size));
            kept++;
        }
    }

    /** The examples recorded since the last call, and forgets them. */
    public List<GalleryExample> drain() {
        List<GalleryExample> out = List.copyOf(examples);
        examples.clear();
        return out;
    }
}
