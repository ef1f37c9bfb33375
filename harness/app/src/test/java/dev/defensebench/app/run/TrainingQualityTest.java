package dev.defensebench.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Examples;
import dev.defensebench.spi.InputBox;
import org.junit.jupiter.api.Test;

/** The after-training check: collapsed to one class, not clearly above chance, or a usable model. */
class TrainingQualityTest {

    private static final int N = 200;
    private static final int CLASSES = 10;

    /** Predicts {@code answers[i]} for the input whose single pixel holds {@code i}. */
    private record Scripted(int[] answers, InputBox box) implements Classifier {
        @Override
        public int numClasses() {
            return CLASSES;
        }

        @Override
        public Shape sampleShape() {
            return box.sampleShape();
        }

        @Override
        public NDArray logits(NDArray inputs) {
            float[] index = inputs.toFloatArray();
            float[] logits = new float[index.length * CLASSES];
            for (int i = 0; i < index.length; i++) {
                logits[i * CLASSES + answers[(int) index[i]]] = 1;
            }
            return inputs.getManager().create(logits, new Shape(index.length, CLASSES));
        }
    }

    private static String failure(int correctShare, int constantShare) {
        return failure(correctShare, constantShare, N);
    }

    private static String failure(int correctShare, int constantShare, int n) {
        float[] inputs = new float[n];
        int[] labels = new int[n];
        int[] answers = new int[n];
        for (int i = 0; i < n; i++) {
            inputs[i] = i;
            labels[i] = i % CLASSES;
            boolean constant = i < constantShare * n / 100;
            boolean correct = i % 100 < correctShare;
            answers[i] = constant ? 3 : correct ? labels[i] : (labels[i] + 1) % CLASSES;
        }
        InputBox box = InputBox.uniform(0, N, new Shape(1));
        Examples test = new Examples(inputs, labels, new Shape(1), CLASSES, box);
        try (NDManager manager = NDManager.newBaseManager()) {
            return TrainingQuality.failure(new Scripted(answers, box), test, 64, manager);
        }
    }

    @Test
    void aModelThatPredictsOneClassForNearlyEveryPointFails() {
        assertThat(failure(0, 95)).isEqualTo(
                "collapsed to one class: predicts class 3 for 95.5% of the 200 test images (clean accuracy 9.5%)");
    }

    @Test
    void aModelNotClearlyAboveChanceFails() {
        // 14% correct on 200 points: the 95% interval reaches down to 9.9%, below the 10% of a constant guess
        assertThat(failure(14, 0)).startsWith("not clearly above chance: clean accuracy 14.0% (95% interval 9.9% to")
                .contains("chance 10.0% (always class 0)");
    }

    @Test
    void tooFewTestImagesToJudgeAreNotJudged() {
        assertThat(failure(0, 100, TrainingQuality.MIN_TEST_IMAGES)).startsWith("collapsed to one class");
        assertThat(failure(0, 100, TrainingQuality.MIN_TEST_IMAGES - 1)).isNull();
    }

    @Test
    void aModelClearlyAboveChancePasses() {
        assertThat(failure(20, 0)).isNull();
        assertThat(failure(97, 85)).isNull();
    }
}
