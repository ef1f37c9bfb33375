package dev.defensebench.app.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.defensebench.app.config.ResolvedAttack;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.app.run.Evaluator;
import dev.defensebench.attacks.DeepFool;
import dev.defensebench.attacks.Fgsm;
import dev.defensebench.defenses.DeepDefense;
import dev.defensebench.defenses.Vanilla;
import dev.defensebench.data.Preprocessing;
import dev.defensebench.model.Mlp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The code fingerprints that enter the cell and evaluation hashes. */
class CodeFingerprintTest {

    private static final Plugins PLUGINS = Plugins.discover();

    @Test
    void aPluginsFingerprintCoversTheProjectClassesItRunsAndNoLibrary() {
        Map<String, byte[]> fgsm = CodeFingerprint.closure(Fgsm.class);
        assertThat(fgsm).containsKeys("dev/defensebench/attacks/Fgsm", "dev/defensebench/attacks/FixedEpsilonAttack",
                "dev/defensebench/spi/Classifier");
        assertThat(fgsm.keySet()).allMatch(name -> name.startsWith("dev/defensebench/"))
                .doesNotContain("dev/defensebench/attacks/DeepFool");
        assertThat(CodeFingerprint.closure(Vanilla.class)).containsKeys("dev/defensebench/train/SgdTraining",
                "dev/defensebench/train/SgdOptimizer");
    }

    @Test
    void fingerprintsAreStableAndDifferBetweenPlugins() {
        assertThat(CodeFingerprint.of(Fgsm.class)).matches("[0-9a-f]{64}")
                .isEqualTo(CodeFingerprint.of(Fgsm.class))
                .isNotEqualTo(CodeFingerprint.of(DeepFool.class));
        assertThat(CodeFingerprint.of(Vanilla.class)).isNotEqualTo(CodeFingerprint.of(DeepDefense.class));
        // recomputed from the class files (not the cache), the closure has the same bytes
        Map<String, byte[]> again = CodeFingerprint.closure(Fgsm.class);
        Map<String, byte[]> first = CodeFingerprint.closure(Fgsm.class);
        assertThat(again.keySet()).isEqualTo(first.keySet());
        again.forEach((name, bytes) -> assertThat(bytes).as(name).isEqualTo(first.get(name)));
    }

    @Test
    void aChangeToAnAttackChangesTheEvaluationsThatRunItAndNothingElse() {
        ExperimentLoader loader = new ExperimentLoader(PLUGINS, Set.of("mnist"));
        List<ResolvedAttack> fgsmOnly = loader.parse("a.yaml", suite("  - {attack: fgsm, norm: Linf, epsilons: [0.1]}")).attacks();
        List<ResolvedAttack> withDeepFool = loader.parse("b.yaml", suite("  - {attack: fgsm, norm: Linf, epsilons: [0.1]}\n"
                + "  - {attack: deepfool, norm: L2, epsilons: [0.5]}")).attacks();
        CodeIdentity before = new CodeIdentity("1", "libraries", CodeFingerprint::of);
        Function<Class<?>, String> deepFoolEdited = c -> c == DeepFool.class ? "edited" : CodeFingerprint.of(c);
        CodeIdentity after = new CodeIdentity("1", "libraries", deepFoolEdited);

        assertThat(after.evaluation(fgsmOnly, Object.class))
                .isEqualTo(before.evaluation(fgsmOnly, Object.class));
        assertThat(after.evaluation(withDeepFool, Object.class))
                .isNotEqualTo(before.evaluation(withDeepFool, Object.class));
        assertThat(after.model(Vanilla.class, Mlp.class)).isEqualTo(before.model(Vanilla.class, Mlp.class));
    }

    private static String suite(String attacks) {
        return String.join("\n", "name: s", "dataset: mnist", "models:",
                "  - {name: v, defense: vanilla, architectures: [mlp]}", "attacks:", attacks, "");
    }

    /**
     * Cell hashes fingerprint the defenses, architectures and the preprocessing; evaluation keys the attacks,
     * the certifiers and the {@code Evaluator}: none of them runs the card's class, so changing it (as adding its
     * builder did) leaves every key as it was.
     */
    @Test
    void noCodeFingerprintCoversTheCard() {
        Plugins plugins = PLUGINS;
        List<Class<?>> roots = new ArrayList<>(List.of(Evaluator.class, Preprocessing.class));
        plugins.defenses().values().forEach(d -> roots.add(d.getClass()));
        plugins.attacks().values().forEach(a -> roots.add(a.getClass()));
        plugins.architectures().values().forEach(a -> roots.add(a.getClass()));
        plugins.certifiers().values().forEach(c -> roots.add(c.getClass()));
        assertThat(roots).hasSizeGreaterThan(20);
        for (Class<?> root : roots) {
            assertThat(CodeFingerprint.closure(root).keySet()).as("the fingerprint of %s", root.getName())
                    .isNotEmpty().noneMatch(name -> name.startsWith("dev/defensebench/model/ModelCard"));
        }
    }
}
