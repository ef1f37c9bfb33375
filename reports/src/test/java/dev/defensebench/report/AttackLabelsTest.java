package dev.defensebench.report;

import static dev.defensebench.report.TestRows.row;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Display names and the ρ2 attack come from what the rows declare, never from the attack id. */
class AttackLabelsTest {

    private static ResultRow declared(String attack, String label, String traits, double rho2) {
        ResultRow r = row("m", "vanilla", attack, "L2", 1.0, 0.9, 0.5, rho2);
        return ResultRow.from(r).attack(attack).rho2(rho2).attackLabel(label).attackTraits(traits).abstentions(Double.NaN)
                .build();
    }

    @Test
    void labelsAreTheDeclaredOnesAndUnknownIdsReadAsThemselves() {
        AttackLabels labels = AttackLabels.of(List.of(declared("my-attack", "My Attack", "gradient", Double.NaN)));
        assertThat(labels.of("my-attack")).isEqualTo("My Attack");
        assertThat(labels.of("fgsm")).isEqualTo("fgsm");
    }

    @Test
    void theRho2AttackIsTheOneThatDeclaresIt() {
        ResultRow outside = declared("outside-df", "Outside DeepFool", "gradient iterative min-norm rho2", 0.2);
        ResultRow cw = declared("cw-l2", "C&W L2", "gradient iterative min-norm", 0.1);
        ResultRow named = declared("deepfool", "DeepFool", "gradient iterative min-norm", 0.3);
        assertThat(outside.givesRho2()).isTrue();
        assertThat(cw.givesRho2()).isFalse();
        assertThat(named.givesRho2()).as("the id does not matter").isFalse();
        assertThat(AttackLabels.of(List.of(cw, named, outside)).rho2Attack()).isEqualTo("Outside DeepFool");
        assertThat(AttackLabels.of(List.of(cw)).rho2Attack()).isEqualTo(AttackLabels.NO_RHO2);
    }

    @Test
    void minNormIsDeclaredAndReadFromRho2OnlyInOlderFiles() {
        assertThat(declared("linf-df", "DeepFool", "gradient iterative min-norm rho2", Double.NaN).isMinNorm()).isTrue();
        assertThat(declared("pgd", "PGD", "gradient iterative", Double.NaN).isMinNorm()).isFalse();
        assertThat(declared("old", "old", "", 0.2).isMinNorm()).as("no traits column: a rho2 marks min-norm").isTrue();
        assertThat(declared("old", "old", "", Double.NaN).isMinNorm()).isFalse();
    }
}
