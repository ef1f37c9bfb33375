package dev.defensebench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.defensebench.spi.Hyperparameters;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    private static SgdSettings settings(Map<String, Object> given) {
        return SgdSettings.from(Hyperparameters.resolve("defense 'test'", SgdSettings.FROM_SCRATCH.parameters(), given));
    }

    private static Map<String, Object> params(Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    @Test
    void stepIsTheDefaultAndScalesOnceAtLrDecayAt() {
        LearningRateSchedule s = settings(params("lr", 0.1, "epochs", 10)).schedule();
        assertThat(s.kind()).isEqualTo("step");
        assertThat(s.rateAt(7, 99, 100)).isCloseTo(0.1, within(1e-12));
        assertThat(s.rateAt(8, 0, 100)).isCloseTo(0.01, within(1e-12));
    }

    @Test
    void multistepIsTheCifarRecipe() {
        LearningRateSchedule s = settings(params("lr", 0.1, "epochs", 100, "lr_schedule", "multistep",
                "lr_milestones", List.of(0.5, 0.75))).schedule();
        assertThat(s.rateAt(49, 390, 391)).isCloseTo(0.1, within(1e-12));
        assertThat(s.rateAt(50, 0, 391)).isCloseTo(0.01, within(1e-12));
        assertThat(s.rateAt(74, 0, 391)).isCloseTo(0.01, within(1e-12));
        assertThat(s.rateAt(75, 0, 391)).isCloseTo(0.001, within(1e-12));
    }

    @Test
    void cosineWithWarmupRisesLinearlyThenAnnealsToZero() {
        LearningRateSchedule s = settings(params("lr", 0.2, "epochs", 12, "lr_schedule", "cosine",
                "warmup_epochs", 2)).schedule();
        assertThat(s.rateAt(0, 0, 10)).isCloseTo(0.2 / 20, within(1e-12));
        assertThat(s.rateAt(0, 9, 10)).isCloseTo(0.2 / 2, within(1e-12));
        assertThat(s.rateAt(1, 9, 10)).isCloseTo(0.2, within(1e-12));
        assertThat(s.rateAt(2, 0, 10)).isCloseTo(0.2, within(1e-12));
        assertThat(s.rateAt(7, 0, 10)).isCloseTo(0.1, within(1e-12)); // half way through the 10 cosine epochs
        assertThat(s.rateAt(11, 9, 10)).isCloseTo(0.2 * 0.5 * (1 + Math.cos(Math.PI * 0.99)), within(1e-12));
    }

    @Test
    void badSchedulesAreClearErrors() {
        assertThatThrownBy(() -> settings(params("lr_schedule", "linear")))
                .hasMessageContaining("'lr_schedule'").hasMessageContaining("step, multistep, cosine")
                .hasMessageContaining("'linear'");
        assertThatThrownBy(() -> settings(params("lr_schedule", "multistep", "lr_milestones", List.of(0.75, 0.5))))
                .hasMessageContaining("'lr_milestones'").hasMessageContaining("increasing");
        assertThatThrownBy(() -> settings(params("lr_schedule", "multistep", "lr_milestones", List.of(0.5, 1.5))))
                .hasMessageContaining("'lr_milestones'").hasMessageContaining("(0, 1]");
        assertThatThrownBy(() -> settings(params("lr_schedule", "multistep", "lr_milestones", List.of())))
                .hasMessageContaining("non-empty");
        assertThatThrownBy(() -> settings(params("lr_milestones", "0.5,0.75")))
                .hasMessageContaining("'lr_milestones'").hasMessageContaining("double_list");
        assertThatThrownBy(() -> settings(params("epochs", 5, "warmup_epochs", 5)))
                .hasMessageContaining("'warmup_epochs'").hasMessageContaining("epochs = 5");
        assertThatThrownBy(() -> settings(params("augmentation", "mixup")))
                .hasMessageContaining("'augmentation'").hasMessageContaining("auto, crop-flip, none");
    }
}
