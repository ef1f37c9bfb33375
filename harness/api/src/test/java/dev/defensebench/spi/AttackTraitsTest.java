package dev.defensebench.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AttackTraitsTest {

    @Test
    void flagsListTheAccessAndWhatApplies() {
        AttackTraits deepFool = AttackTraits.minNorm("DeepFool", "max_iter", true);
        assertThat(deepFool.flags()).isEqualTo("gradient iterative min-norm rho2");
        assertThat(AttackTraits.fixedEpsilon("FGSM", AttackTraits.Access.GRADIENT, null).flags()).isEqualTo("gradient");
        assertThat(AttackTraits.fixedEpsilon("Square", AttackTraits.Access.SCORE, "queries").flags())
                .isEqualTo("score iterative");
        assertThat(AttackTraits.hasFlag(deepFool.flags(), AttackTraits.RHO2_FLAG)).isTrue();
        assertThat(AttackTraits.hasFlag("gradient iterative min-norm", AttackTraits.RHO2_FLAG)).isFalse();
        assertThat(AttackTraits.hasFlag("", AttackTraits.RHO2_FLAG)).isFalse();
    }

    @Test
    void onlyGradientAttacksNeedGradients() {
        assertThat(AttackTraits.fixedEpsilon("PGD", AttackTraits.Access.GRADIENT, "steps").needsGradients()).isTrue();
        for (AttackTraits.Access access : new AttackTraits.Access[] {AttackTraits.Access.SCORE, AttackTraits.Access.RANDOM,
                AttackTraits.Access.ENSEMBLE}) {
            assertThat(AttackTraits.fixedEpsilon("x", access, null).needsGradients()).as(access.name()).isFalse();
        }
    }

    @Test
    void inconsistentDeclarationsAreRefused() {
        assertThatThrownBy(() -> new AttackTraits("X", AttackTraits.Access.GRADIENT, null, false, true))
                .hasMessageContaining("only a min-norm attack gives rho2");
        assertThatThrownBy(() -> new AttackTraits(" ", AttackTraits.Access.GRADIENT, null, false, false))
                .hasMessageContaining("display name");
        assertThatThrownBy(() -> new AttackTraits("X", null, null, false, false)).hasMessageContaining("access");
        assertThatThrownBy(() -> new AttackTraits("X", AttackTraits.Access.GRADIENT, "", false, false))
                .hasMessageContaining("step parameter is blank");
    }
}
