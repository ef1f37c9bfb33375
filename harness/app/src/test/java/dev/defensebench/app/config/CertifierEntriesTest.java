package dev.defensebench.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The experiment file's {@code certifiers:} list: parsed, and every mistake named before any work. */
class CertifierEntriesTest {

    private final ExperimentLoader loader = new ExperimentLoader(Plugins.discover(), Set.of("mnist"));

    private static final String BASE = String.join("\n",
            "name: c",
            "dataset: mnist",
            "models:",
            "  - {name: vanilla, defense: vanilla, architectures: [mlp]}",
            "attacks:",
            "  - {attack: fgsm, norm: Linf, epsilons: [0.1]}",
            "");

    @Test
    void parsesCertifiersWithTheirParameters() {
        Experiment e = loader.parse("c.yaml", BASE + String.join("\n",
                "certifiers:",
                "  - {certifier: randomized-smoothing, epsilons: [0.25, 0.5], params: {sigma: 0.5, n: 1000}, seed: 3}",
                "  - {certifier: ibp, epsilons: [0.1]}",
                ""));
        assertThat(e.certifiers()).extracting(c -> c.entry().certifier()).containsExactly("randomized-smoothing", "ibp");
        assertThat(e.certifiers()).extracting(c -> c.certifier().name()).containsExactly("randomized-smoothing", "ibp");
        assertThat(e.certifiers().get(0).entry().params()).containsEntry("sigma", 0.5);
        assertThat(e.certifiers().get(0).params().getDouble("sigma")).isEqualTo(0.5); // resolved, defaults filled in
        assertThat(e.certifiers().get(0).params().getInt("n")).isEqualTo(1000);
        assertThat(e.certifiers().get(0).seed()).isEqualTo(3L);
        assertThat(e.certifiers().get(0).grid()).containsExactly(0.25, 0.5);
        assertThat(e.certifiers()).extracting(ResolvedCertifier::name).containsExactly("randomized-smoothing", "ibp");
        assertThat(loader.parse("c.yaml", BASE).certifiers()).isEmpty();
    }

    @Test
    void mistakesAreNamed() {
        assertThatThrownBy(() -> loader.parse("c.yaml", BASE + "certifiers:\n  - {certifier: crown, epsilons: [0.1]}\n"))
                .hasMessageContaining("certifiers[0]").hasMessageContaining("unknown certifier 'crown'")
                .hasMessageContaining("ibp");
        assertThatThrownBy(() -> loader.parse("c.yaml", BASE + "certifiers:\n  - {certifier: ibp}\n"))
                .hasMessageContaining("certifiers[0] 'ibp': 'epsilons' must list at least one radius (Linf)");
        assertThatThrownBy(() -> loader.parse("c.yaml", BASE
                + "certifiers:\n  - {certifier: randomized-smoothing, epsilons: [0.5], params: {sigma: -1.0}}\n"))
                .hasMessageContaining("'sigma'").hasMessageContaining("-1.0");
        assertThatThrownBy(() -> loader.parse("c.yaml", BASE
                + "certifiers:\n  - {certifier: ibp, epsilons: [0.1], params: {bach: 3}}\n"))
                .hasMessageContaining("unknown parameter").hasMessageContaining("bach");
        assertThatThrownBy(() -> loader.parse("c.yaml", BASE
                + "certifiers:\n  - {certifier: ibp, epsilons: [0.1], params: {bound: lp}}\n"))
                .hasMessageContaining("parameter 'bound' must be 'ibp' or 'crown-ibp', found 'lp'");
        assertThatThrownBy(() -> loader.parse("c.yaml", BASE + "certifiers:\n"
                + "  - {certifier: randomized-smoothing, epsilons: [0.5], params: {sigma: 0.25}}\n"
                + "  - {certifier: randomized-smoothing, epsilons: [0.5], params: {sigma: 0.5}}\n"))
                .hasMessageContaining("certifiers[1]").hasMessageContaining("used twice");
    }
}
