package dev.defensebench.app.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PlanTest {

    private static final Plugins PLUGINS = Plugins.discover();
    private static final ExperimentLoader LOADER = new ExperimentLoader(PLUGINS, Set.of("mnist", "cifar10"));
    private static final String DATA = "a".repeat(64);
    private static final CodeIdentity VERSION = code("1.2.3", c -> "code of " + c.getName());

    /** The child ("dd") is listed before its parent ("base"), so the plan must reorder. */
    private static final String EXPERIMENT = String.join("\n",
            "name: plan",
            "dataset: mnist",
            "seeds: [0, 1]",
            "models:",
            "  - name: dd",
            "    defense: deep-defense",
            "    architectures: [mlp]",
            "    init_from: base",
            "    params: {lambda: 15}",
            "  - name: base",
            "    defense: vanilla",
            "    architectures: [mlp, lenet]",
            "    params: {epochs: 2, lr: 0.05}",
            "attacks:",
            "  - {attack: fgsm, norm: Linf, epsilons: [0.1]}",
            "");

    private static CodeIdentity code(String version, Function<Class<?>, String> fingerprint) {
        return new CodeIdentity(version, "DJL 0.36.0, PyTorch 2.7.1", fingerprint);
    }

    private static Experiment experiment(String text) {
        return LOADER.parse("plan.yaml", text);
    }

    private static Plan plan(String text) {
        return Plan.of(experiment(text), PLUGINS, DATA, 1000, VERSION);
    }

    private static Map<String, Cell> byId(Plan plan) {
        return plan.cells().stream().collect(Collectors.toMap(Cell::id, Function.identity()));
    }

    private static String hash(Plan plan, String id) {
        Cell cell = byId(plan).get(id);
        assertThat(cell).as("cell %s in %s", id, plan.describe()).isNotNull();
        return cell.hash();
    }

    /** EXPERIMENT with the first occurrence of {@code from} replaced. */
    private static String variant(String from, String to) {
        assertThat(EXPERIMENT).contains(from);
        return EXPERIMENT.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
    }

    @Test
    void cellsAreEntriesTimesArchitecturesTimesSeedsInDependencyOrder() {
        Plan plan = plan(EXPERIMENT);

        assertThat(plan.cells()).extracting(Cell::id).containsExactly(
                "base/mlp/s0", "base/mlp/s1", "base/lenet/s0", "base/lenet/s1", "dd/mlp/s0", "dd/mlp/s1");
        Cell dd0 = byId(plan).get("dd/mlp/s0");
        assertThat(dd0.entry().name()).isEqualTo("dd");
        assertThat(dd0.architecture()).isEqualTo("mlp");
        assertThat(dd0.seed()).isZero();
        assertThat(dd0.hash()).matches("[0-9a-f]{64}");
        assertThat(dd0.directoryName()).isEqualTo("dd-mlp-s0-" + dd0.hash().substring(0, 12));
    }

    @Test
    void everyFineTunedCellComesAfterAndLinksTheParentOfTheSameArchitectureAndSeed() {
        Plan plan = plan(EXPERIMENT);
        List<Cell> cells = plan.cells();
        for (int i = 0; i < cells.size(); i++) {
            Cell cell = cells.get(i);
            if (cell.entry().name().equals("base")) {
                assertThat(cell.parent()).as(cell.id()).isNull();
                continue;
            }
            Cell parent = cell.parent();
            assertThat(parent).as(cell.id()).isNotNull();
            assertThat(parent.entry().name()).isEqualTo("base");
            assertThat(parent.architecture()).isEqualTo(cell.architecture());
            assertThat(parent.seed()).isEqualTo(cell.seed());
            assertThat(cells.subList(0, i)).as("%s comes after its parent", cell.id()).contains(parent);
        }
        assertThat(byId(plan).get("dd/mlp/s1").parent()).isSameAs(byId(plan).get("base/mlp/s1"));
        assertThat(plan.describe()).contains(
                "dd/mlp/s1 <- base/mlp/s1 [" + hash(plan, "dd/mlp/s1").substring(0, 12) + "]");
    }

    @Test
    void resolvedParametersIncludeDefaults() {
        Cell base = byId(plan(EXPERIMENT)).get("base/mlp/s0");
        assertThat(base.params().asMap()).containsEntry("epochs", 2).containsEntry("lr", 0.05)
                .containsKeys("batch_size", "momentum", "weight_decay");
        Cell dd = byId(plan(EXPERIMENT)).get("dd/mlp/s0");
        assertThat(dd.params().asMap()).containsEntry("lambda", 15.0).containsKeys("c", "d", "max_iter", "epochs");
    }

    @Test
    void hashesAreDistinctAcrossCells() {
        Plan plan = plan(EXPERIMENT);
        assertThat(plan.cells()).extracting(Cell::hash).doesNotHaveDuplicates();
    }

    @Test
    void hashesAreStableForTheSameConfiguration() {
        Plan a = plan(EXPERIMENT);
        Plan b = plan(EXPERIMENT);
        assertThat(a.cells()).extracting(Cell::hash).containsExactlyElementsOf(
                b.cells().stream().map(Cell::hash).collect(Collectors.toList()));
    }

    @Test
    void hashesDoNotDependOnHowTheSameConfigurationIsWritten() {
        Plan plan = plan(EXPERIMENT);
        // parameter order swapped, a default written out, entries, architectures and seeds in another order,
        // other evaluation settings
        String rewritten = String.join("\n",
                "name: plan",
                "dataset: mnist",
                "seeds: [1, 0]",
                "eval_batch_size: 17",
                "test_size: 33",
                "models:",
                "  - name: base",
                "    defense: vanilla",
                "    architectures: [lenet, mlp]",
                "    params: {lr: 0.05, epochs: 2, momentum: 0.9}",
                "  - name: dd",
                "    defense: deep-defense",
                "    architectures: [mlp]",
                "    init_from: base",
                "    params: {}",
                "attacks:",
                "  - {attack: deepfool, norm: L2, epsilons: [1.0]}",
                "");
        Plan other = plan(rewritten);
        for (Cell cell : plan.cells()) {
            assertThat(hash(other, cell.id())).as(cell.id()).isEqualTo(cell.hash());
        }
    }

    @Test
    void theAugmentationAndScheduleSettingsAreInTheHash() {
        Plan plan = plan(EXPERIMENT);
        assertThat(byId(plan).get("base/mlp/s0").params().getString("augmentation")).isEqualTo("auto");
        for (String to : List.of("lr: 0.05, augmentation: none", "lr: 0.05, augmentation: crop-flip",
                "lr: 0.05, lr_schedule: cosine", "lr: 0.05, warmup_epochs: 1")) {
            assertThat(hash(plan(variant("lr: 0.05", to)), "base/lenet/s0")).as(to).isNotEqualTo(hash(plan, "base/lenet/s0"));
        }
    }

    @Test
    void aHyperParameterChangesTheHashOfItsEntryAndOfTheCellsFineTunedFromIt() {
        Plan plan = plan(EXPERIMENT);
        Plan changed = plan(variant("lr: 0.05", "lr: 0.01"));
        for (String id : List.of("base/mlp/s0", "base/mlp/s1", "base/lenet/s0", "base/lenet/s1", "dd/mlp/s0", "dd/mlp/s1")) {
            assertThat(hash(changed, id)).as(id).isNotEqualTo(hash(plan, id));
        }
        // the child's hash follows its parent's
        assertThat(byId(changed).get("dd/mlp/s0").parent().hash()).isEqualTo(hash(changed, "base/mlp/s0"));
    }

    @Test
    void aChildsHyperParameterChangesOnlyTheChild() {
        Plan plan = plan(EXPERIMENT);
        Plan changed = plan(variant("lambda: 15", "lambda: 5"));
        assertThat(hash(changed, "dd/mlp/s0")).isNotEqualTo(hash(plan, "dd/mlp/s0"));
        assertThat(hash(changed, "dd/mlp/s1")).isNotEqualTo(hash(plan, "dd/mlp/s1"));
        for (String id : List.of("base/mlp/s0", "base/mlp/s1", "base/lenet/s0", "base/lenet/s1")) {
            assertThat(hash(changed, id)).as(id).isEqualTo(hash(plan, id));
        }
    }

    @Test
    void theSeedChangesTheHash() {
        Plan plan = plan(EXPERIMENT);
        assertThat(hash(plan, "base/mlp/s0")).isNotEqualTo(hash(plan, "base/mlp/s1"));
        Plan seed2 = plan(variant("seeds: [0, 1]", "seeds: [0, 2]"));
        assertThat(hash(seed2, "base/mlp/s0")).isEqualTo(hash(plan, "base/mlp/s0"));
        assertThat(hash(seed2, "base/mlp/s2")).isNotIn(plan.cells().stream().map(Cell::hash).toList());
    }

    @Test
    void theDataIdentityChangesEveryHash() {
        Experiment e = experiment(EXPERIMENT);
        Plan plan = Plan.of(e, PLUGINS, DATA, 1000, VERSION);
        Plan otherData = Plan.of(e, PLUGINS, "b".repeat(64), 1000, VERSION);
        Plan otherTrainSize = Plan.of(e, PLUGINS, DATA, 999, VERSION);
        Plan otherVersion = Plan.of(e, PLUGINS, DATA, 1000, code("1.2.4", VERSION.fingerprint()));
        for (Cell cell : plan.cells()) {
            assertThat(hash(otherData, cell.id())).as(cell.id()).isNotEqualTo(cell.hash());
            assertThat(hash(otherTrainSize, cell.id())).as(cell.id()).isNotEqualTo(cell.hash());
            assertThat(hash(otherVersion, cell.id())).as(cell.id()).isNotEqualTo(cell.hash());
        }
    }

    @Test
    void aChangeToADefenseCodeChangesItsCellsAndTheirFineTunesOnly() {
        Experiment e = experiment(EXPERIMENT);
        Plan plan = Plan.of(e, PLUGINS, DATA, 1000, VERSION);
        // Deep Defense's class files changed: only the dd cells get new hashes
        Plan ddChanged = Plan.of(e, PLUGINS, DATA, 1000, code("1.2.3", c -> c.getSimpleName().equals("DeepDefense")
                ? "changed" : VERSION.fingerprint().apply(c)));
        // Vanilla's changed: the base cells, and the dd cells fine-tuned from them
        Plan vanillaChanged = Plan.of(e, PLUGINS, DATA, 1000, code("1.2.3", c -> c.getSimpleName().equals("Vanilla")
                ? "changed" : VERSION.fingerprint().apply(c)));
        // the MLP's changed: every MLP cell, not the LeNet ones
        Plan mlpChanged = Plan.of(e, PLUGINS, DATA, 1000, code("1.2.3", c -> c.getSimpleName().equals("Mlp")
                ? "changed" : VERSION.fingerprint().apply(c)));
        for (Cell cell : plan.cells()) {
            boolean dd = cell.entry().name().equals("dd");
            assertThat(hash(ddChanged, cell.id()).equals(cell.hash())).as(cell.id()).isEqualTo(!dd);
            assertThat(hash(vanillaChanged, cell.id())).as(cell.id()).isNotEqualTo(cell.hash());
            assertThat(hash(mlpChanged, cell.id()).equals(cell.hash())).as(cell.id())
                    .isEqualTo(cell.architecture().equals("lenet"));
        }
        Plan libraries = Plan.of(e, PLUGINS, DATA, 1000, new CodeIdentity("1.2.3", "DJL 0.36.0, PyTorch 2.8.0",
                VERSION.fingerprint()));
        assertThat(hash(libraries, "base/mlp/s0")).isNotEqualTo(hash(plan, "base/mlp/s0"));
    }

    @Test
    void theDatasetAndPreprocessingChangeTheHash() {
        Plan plan = plan(EXPERIMENT);
        assertThat(hash(plan(variant("dataset: mnist", "dataset: cifar10")), "base/mlp/s0"))
                .isNotEqualTo(hash(plan, "base/mlp/s0"));
        assertThat(hash(plan(variant("dataset: mnist", "dataset: mnist\npreprocessing: paper")), "base/mlp/s0"))
                .isNotEqualTo(hash(plan, "base/mlp/s0"));
    }

    @Test
    void theParentChangesTheHash() {
        Plan plan = plan(EXPERIMENT);
        // the same Deep Defense entry, trained from scratch instead of fine-tuned
        Plan scratch = plan(variant("    init_from: base\n", ""));
        assertThat(byId(scratch).get("dd/mlp/s0").parent()).isNull();
        assertThat(hash(scratch, "dd/mlp/s0")).isNotEqualTo(hash(plan, "dd/mlp/s0"));

        // fine-tuned from another parent entry, trained longer than "base"
        String twoParents = String.join("\n",
                "name: plan",
                "dataset: mnist",
                "seeds: [0, 1]",
                "models:",
                "  - {name: dd, defense: deep-defense, architectures: [mlp], init_from: base2, params: {lambda: 15}}",
                "  - {name: base, defense: vanilla, architectures: [mlp, lenet], params: {epochs: 2, lr: 0.05}}",
                "  - {name: base2, defense: vanilla, architectures: [mlp], params: {epochs: 3, lr: 0.05}}",
                "");
        Plan other = plan(twoParents);
        assertThat(byId(other).get("dd/mlp/s0").parent().id()).isEqualTo("base2/mlp/s0");
        assertThat(hash(other, "dd/mlp/s0")).isNotEqualTo(hash(plan, "dd/mlp/s0"));
        assertThat(hash(other, "base/mlp/s0")).isEqualTo(hash(plan, "base/mlp/s0"));
    }

    @Test
    void theAttacksDoNotChangeTheTrainingHash() {
        // how a model is attacked does not change what it is: a new attack suite must not retrain anything
        Plan plan = plan(EXPERIMENT);
        Plan otherAttacks = plan(variant("  - {attack: fgsm, norm: Linf, epsilons: [0.1]}",
                "  - {attack: fgsm, norm: Linf, epsilons: [0.3]}\n  - {attack: deepfool, norm: L2, epsilons: [1.0]}"));
        for (Cell cell : plan.cells()) {
            assertThat(hash(otherAttacks, cell.id())).as(cell.id()).isEqualTo(cell.hash());
        }
    }

    @Test
    void sha256IsCanonicalOverMapKeyOrder() {
        Map<String, Object> a = new java.util.LinkedHashMap<>();
        a.put("x", 1);
        a.put("y", List.of("p", "q"));
        Map<String, Object> b = new java.util.LinkedHashMap<>();
        b.put("y", List.of("p", "q"));
        b.put("x", 1);
        assertThat(CacheKeys.sha256(a)).isEqualTo(CacheKeys.sha256(b)).matches("[0-9a-f]{64}");
        assertThat(CacheKeys.sha256(Map.of("x", 2, "y", List.of("p", "q")))).isNotEqualTo(CacheKeys.sha256(a));
        // SHA-256 of the empty JSON object
        assertThat(CacheKeys.sha256(Map.of())).isEqualTo("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    }
}
