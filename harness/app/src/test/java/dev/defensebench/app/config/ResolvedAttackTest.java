package dev.defensebench.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.defensebench.spi.Norm;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link ResolvedAttack}: what the loader resolves an attack entry into, and the variants the sanity checks run. */
class ResolvedAttackTest {

    private static final Plugins PLUGINS = Plugins.discover();

    private static ResolvedAttack pgd() {
        return ResolvedAttack.resolve("attacks[0]", new AttackEntry("pgd", "linf", List.of(0.1, 0.2), Map.of("steps", 7), 3L),
                PLUGINS);
    }

    @Test
    void resolvesThePluginTheNormAndTheParametersWithTheirDefaults() {
        ResolvedAttack a = pgd();
        assertThat(a.attack()).isSameAs(PLUGINS.attack("pgd"));
        assertThat(a.name()).isEqualTo("pgd");
        assertThat(a.norm()).isEqualTo(Norm.LINF);
        assertThat(a.epsilons()).containsExactly(0.1, 0.2);
        assertThat(a.seed()).isEqualTo(3L);
        assertThat(a.params().getInt("steps")).isEqualTo(7);
        // every declared parameter has a value; the entry as written is kept for the cache keys
        assertThat(a.params().asMap()).containsOnlyKeys(PLUGINS.attack("pgd").parameters().stream().map(p -> p.name()).toList());
        assertThat(a.entry().norm()).isEqualTo("linf");
    }

    @Test
    void theSanityCheckVariantsChangeOneThing() {
        ResolvedAttack a = pgd();
        ResolvedAttack doubled = a.withParameter("steps", 14);
        assertThat(doubled.params().getInt("steps")).isEqualTo(14);
        Map<String, Object> others = new java.util.TreeMap<>(doubled.params().asMap());
        others.put("steps", 7);
        assertThat(others).isEqualTo(a.params().asMap());
        assertThat(doubled.threat()).isEqualTo(a.threat());
        ResolvedAttack unbounded = a.withEpsilons(List.of(1.0));
        assertThat(unbounded.epsilons()).containsExactly(1.0);
        assertThat(unbounded.norm()).isEqualTo(Norm.LINF);
        assertThat(unbounded.params()).isSameAs(a.params());
        assertThatThrownBy(() -> a.withParameter("stpes", 14)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stpes");
    }

    @Test
    void errorsNameTheEntryAndTheProblem() {
        assertThatThrownBy(() -> ResolvedAttack.resolve("attacks[2]", new AttackEntry("pgdd", "Linf", List.of(0.1), null, null),
                PLUGINS)).hasMessageStartingWith("attacks[2]: unknown attack 'pgdd'");
        assertThatThrownBy(() -> ResolvedAttack.resolve("attacks[2]", new AttackEntry("deepfool", "L1", List.of(0.1), null, null),
                PLUGINS)).hasMessageStartingWith("attacks[2] 'deepfool': ");
        assertThatThrownBy(() -> ResolvedAttack.resolve("attacks[2]", new AttackEntry("pgd", "Linf", List.of(), null, null),
                PLUGINS)).hasMessage("attacks[2] 'pgd': 'epsilons' must list at least one budget");
        assertThatThrownBy(() -> ResolvedAttack.resolve("attacks[2]", new AttackEntry("pgd", "Linf", List.of(0.1),
                Map.of("steps", "ten"), null), PLUGINS)).hasMessageStartingWith("attacks[2] 'pgd': parameter 'steps'");
    }
}
