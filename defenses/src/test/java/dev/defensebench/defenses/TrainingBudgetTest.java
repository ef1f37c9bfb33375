package dev.defensebench.defenses;

import static org.assertj.core.api.Assertions.assertThat;

import dev.defensebench.spi.Defense;
import dev.defensebench.spi.Examples;
import dev.defensebench.spi.TrainedModel;
import dev.defensebench.spi.TrainingBudget;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The budget a training records counts what the algorithm does per image, by its definition: plain training
 * one forward and one backward pass; Madry's PGD training (clean weight 0) k attack steps, each a forward and
 * a backward pass, then the training step's own, plus the clean forward it reports its clean loss from; FGSM training (Goodfellow et al., α = 0.5) one attack step,
 * then the loss on the clean and the adversarial batch (two forwards) and its backward pass.
 */
class TrainingBudgetTest {

    private static final int IMAGES = 96;

    private static TrainingBudget budget(Defense defense, Map<String, Object> own, int epochs) {
        Examples data = Blobs.make(IMAGES, 2);
        Map<String, Object> params = new HashMap<>(own);
        params.put("epochs", epochs);
        params.put("batch_size", 32);
        try (TrainedModel model = defense.train(Blobs.request(defense, data, params, 5))) {
            return model.budget();
        }
    }

    @Test
    void plainTrainingIsOneForwardAndOneBackwardPassPerImageSeen() {
        TrainingBudget b = budget(new Vanilla(), Map.of(), 3);
        assertThat(b.imagesSeen()).isEqualTo(3L * IMAGES);
        assertThat(b.forwardPasses()).isEqualTo(3L * IMAGES);
        assertThat(b.backwardPasses()).isEqualTo(3L * IMAGES);
        assertThat(b.seconds()).isPositive();
    }

    @Test
    void pgdTrainingAddsOneForwardAndOneBackwardPassPerAttackStep() {
        TrainingBudget b = budget(new PgdAdversarial(), Map.of("eps", 0.1, "steps", 4, "step_size", 0.05), 1);
        assertThat(b.imagesSeen()).isEqualTo(IMAGES);
        assertThat(b.forwardPasses()).isEqualTo((4 + 1 + 1) * (long) IMAGES);
        assertThat(b.backwardPasses()).isEqualTo(5L * IMAGES);
    }

    @Test
    void fgsmTrainingIsTwoBackwardAndThreeForwardPassesPerImage() {
        TrainingBudget b = budget(new FgsmAdversarial(), Map.of("eps", 0.1), 1);
        assertThat(b.forwardPasses()).isEqualTo(3L * IMAGES);
        assertThat(b.backwardPasses()).isEqualTo(2L * IMAGES);
    }

    @Test
    void trainSubsetBoundsTheImagesSeen() {
        TrainingBudget b = budget(new FgsmAdversarial(), Map.of("eps", 0.1, "train_subset", 40), 2);
        assertThat(b.imagesSeen()).isEqualTo(80);
    }

    @Test
    void budgetsAdd() {
        TrainingBudget a = new TrainingBudget(10, 20, 30, 1.5);
        assertThat(a.plus(new TrainingBudget(1, 2, 3, 0.5))).isEqualTo(new TrainingBudget(11, 22, 33, 2.0));
        assertThat(a.forwardPerImage()).isEqualTo(2.0);
        assertThat(TrainingBudget.NONE.forwardPerImage()).isNaN();
    }
}
