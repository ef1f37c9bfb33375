package dev.defensebench.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link ResultRowBuilder}: every value lands in its own component, the defaults, and what must be given. */
class ResultRowBuilderTest {

    private static ResultRowBuilder entry() {
        return ResultRow.builder().experiment("exp").model("dd/mlp/s1").defense("deep-defense").architecture("mlp")
                .dataset("mnist").preprocessing("unit").seed(1).cellHash("abc");
    }

    @Test
    void everyValueLandsInItsComponent() {
        ResultRow row = entry().attack("pgd").norm("Linf").epsilon(0.1).samples(200).cleanAccuracy(0.98)
                .robustAccuracy(0.5).robustCi(0.45, 0.55).rho2(0.2).trainSeconds(12).attackSeconds(3)
                .attackParams("{\"steps\":10}").access(ResultRow.TRANSFER).attackImagesPerSecond(66).attackLabel("PGD")
                .attackTraits("gradient iterative").abstentions(4).build();
        // the canonical constructor in CSV column order, written out once
        assertThat(row).isEqualTo(new ResultRow("exp", "dd/mlp/s1", "deep-defense", "mlp", "mnist", "unit", 1, "abc", "pgd",
                "Linf", 0.1, 200, 0.98, 0.5, 0.45, 0.55, 0.2, 12, 3, "{\"steps\":10}", ResultRow.TRANSFER, 66, "PGD",
                "gradient iterative", 4));
        assertThat(ResultRow.from(row).build()).isEqualTo(row);
        assertThat(ResultRow.from(row).robustAccuracy(0.4).build().robustAccuracy()).isEqualTo(0.4);
    }

    @Test
    void valuesLeftOutTakeTheDefaults() {
        ResultRow row = entry().attack("fgsm").norm("Linf").epsilon(0.2).samples(10).cleanAccuracy(1).robustAccuracy(0.3)
                .build();
        assertThat(row.attackParams()).isEqualTo("{}");
        assertThat(row.access()).isEqualTo(ResultRow.WHITE_BOX);
        assertThat(row.attackLabel()).isEqualTo("fgsm");
        assertThat(row.attackTraits()).isEmpty();
        assertThat(new double[] {row.robustCiLow(), row.robustCiHigh(), row.rho2(), row.trainSeconds(), row.attackSeconds(),
                row.attackImagesPerSecond(), row.abstentions()}).containsOnly(Double.NaN);
        assertThat(entry().attack("fgsm").norm("Linf").epsilon(0.2).samples(10).cleanAccuracy(1).robustAccuracy(0.3)
                .robustCi(WilsonInterval.of(3, 10)).build().robustCiLow()).isEqualTo(WilsonInterval.of(3, 10).low());
    }

    @Test
    void aMissingValueIsNamedAndTheRowsChecksStillApply() {
        assertThatThrownBy(() -> entry().attack("fgsm").norm("Linf").samples(10).cleanAccuracy(1).robustAccuracy(0.3).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("epsilon");
        assertThatThrownBy(() -> entry().attack("fgsm").norm("Linf").epsilon(0.1).cleanAccuracy(1).robustAccuracy(0.3).build())
                .hasMessageContaining("samples");
        assertThatThrownBy(() -> entry().attack("fgsm").norm("Linf").epsilon(0.1).samples(10).robustAccuracy(0.3).build())
                .hasMessageContaining("cleanAccuracy");
        assertThatThrownBy(() -> entry().attack("fgsm").norm("Linf").epsilon(0.1).samples(10).cleanAccuracy(1).build())
                .hasMessageContaining("robustAccuracy");
        assertThatThrownBy(() -> entry().norm("Linf").epsilon(0.1).samples(10).cleanAccuracy(1).robustAccuracy(0.3).build())
                .isInstanceOf(NullPointerException.class).hasMessageContaining("attack");
        assertThatThrownBy(() -> entry().attack("fgsm").norm("Linf").epsilon(0.1).samples(10).cleanAccuracy(1)
                .robustAccuracy(1.3).build()).hasMessageContaining("robust_accuracy");
    }
}
