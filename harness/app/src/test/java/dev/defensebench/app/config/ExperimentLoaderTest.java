package dev.defensebench.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.defensebench.app.plan.Plan;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ParamSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ExperimentLoaderTest {

    private static final String SOURCE = "exp.yaml";
    private static final Plugins PLUGINS = Plugins.discover();
    private final ExperimentLoader loader = new ExperimentLoader(PLUGINS, Set.of("mnist", "cifar10"));

    /** A minimal valid file; the tests below change one thing each. */
    private static final String VALID = String.join("\n",
            "name: quick",                      // 1
            "dataset: mnist",                   // 2
            "models:",                          // 3
            "  - name: vanilla",                // 4
            "    defense: vanilla",             // 5
            "    architectures: [mlp]",         // 6
            "    params:",                      // 7
            "      epochs: 2",                  // 8
            "  - name: dd",                     // 9
            "    defense: deep-defense",        // 10
            "    architectures: [mlp]",         // 11
            "    init_from: vanilla",           // 12
            "attacks:",                         // 13
            "  - attack: deepfool",             // 14
            "    norm: L2",                     // 15
            "    epsilons: [0.5, 1.0]",         // 16
            "    params:",                      // 17
            "      max_iter: 10",               // 18
            "  - attack: fgsm",                 // 19
            "    norm: Linf",                   // 20
            "    epsilons: [0.1]",              // 21
            "");

    private Experiment parse(String text) {
        return loader.parse(SOURCE, text);
    }

    private AbstractThrowableAssert<?, ? extends Throwable> rejects(String text) {
        return assertThatThrownBy(() -> parse(text))
                .isInstanceOf(ExperimentException.class)
                .hasMessageStartingWith(SOURCE);
    }

    /** VALID with the first occurrence of {@code from} replaced. */
    private static String valid(String from, String to) {
        assertThat(VALID).contains(from);
        return VALID.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
    }

    // ---------------------------------------------------------------- valid files

    @Test
    void validFileParsesWithDefaultsFilledIn() {
        Experiment e = parse(VALID);

        assertThat(e.name()).isEqualTo("quick");
        assertThat(e.dataset()).isEqualTo("mnist");
        assertThat(e.preprocessing()).isEqualTo("unit");
        assertThat(e.testSize()).isEqualTo(1000);
        assertThat(e.trainSize()).isNull();
        assertThat(e.seeds()).containsExactly(0L);
        assertThat(e.device()).isEqualTo("auto");
        assertThat(e.evalBatchSize()).isEqualTo(250);

        assertThat(e.models()).extracting(ModelEntry::name).containsExactly("vanilla", "dd");
        ModelEntry vanilla = e.models().get(0);
        assertThat(vanilla.defense()).isEqualTo("vanilla");
        assertThat(vanilla.architectures()).containsExactly("mlp");
        assertThat(vanilla.initFrom()).isNull();
        assertThat(vanilla.params()).containsExactly(Map.entry("epochs", 2));
        ModelEntry dd = e.models().get(1);
        assertThat(dd.defense()).isEqualTo("deep-defense");
        assertThat(dd.initFrom()).isEqualTo("vanilla");
        assertThat(dd.params()).isEmpty();

        assertThat(e.attacks()).hasSize(2);
        AttackEntry deepfool = e.attacks().get(0).entry();
        assertThat(deepfool.attack()).isEqualTo("deepfool");
        assertThat(deepfool.norm()).isEqualTo("L2");
        assertThat(deepfool.epsilons()).containsExactly(0.5, 1.0);
        assertThat(deepfool.params()).containsExactly(Map.entry("max_iter", 10));
        assertThat(deepfool.seed()).isZero();
        assertThat(e.attacks().get(1).entry().params()).isEmpty();
        // resolved once, by the loader: the plugin, the parsed norm and the typed parameters with defaults
        ResolvedAttack resolved = e.attacks().get(0);
        assertThat(resolved.attack()).isSameAs(PLUGINS.attack("deepfool"));
        assertThat(resolved.norm()).isEqualTo(Norm.L2);
        assertThat(resolved.threat().epsilons()).containsExactly(0.5, 1.0);
        assertThat(resolved.params().getInt("max_iter")).isEqualTo(10);
        assertThat(resolved.params().asMap().keySet()).containsAll(
                PLUGINS.attack("deepfool").parameters().stream().map(ParamSpec::name).toList());
    }

    @Test
    void explicitTopLevelSettingsAreRead() {
        String text = VALID.replace("dataset: mnist\n", String.join("\n",
                "dataset: cifar10",
                "preprocessing: paper",
                "train_size: 500",
                "test_size: 200",
                "seeds: [3, 1]",
                "device: cpu",
                "eval_batch_size: 50",
                ""));
        Experiment e = parse(text);

        assertThat(e.dataset()).isEqualTo("cifar10");
        assertThat(e.preprocessing()).isEqualTo("paper");
        assertThat(e.trainSize()).isEqualTo(500);
        assertThat(e.testSize()).isEqualTo(200);
        assertThat(e.seeds()).containsExactly(3L, 1L);
        assertThat(e.device()).isEqualTo("cpu");
        assertThat(e.evalBatchSize()).isEqualTo(50);
    }

    @Test
    void theShippedQuickstartIsValid() throws Exception {
        Path quickstart = Path.of("..", "..", "ci", "quickstart.yaml");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(quickstart), "ci/quickstart.yaml not found");
        Experiment e = loader.load(quickstart);

        assertThat(e.name()).isEqualTo("quickstart");
        assertThat(e.models()).extracting(ModelEntry::name)
                .containsExactly("vanilla", "deep-defense", "fgsm-adversarial", "pgd-adversarial", "trades", "parseval");
        assertThat(e.models().get(1).initFrom()).isEqualTo("vanilla");
        assertThat(e.attacks()).extracting(ResolvedAttack::name)
                .containsExactly("deepfool", "fgsm", "pgd", "apgd-ce", "noise", "autoattack", "autoattack");
        // the ranking rests on AutoAttack (standard) at the headline eps of both norms
        assertThat(e.headlineByLabel()).containsEntry("Linf", 0.1).containsEntry("L2", 1.5);
        assertThat(e.attacks().subList(5, 7)).extracting(ResolvedAttack::norm).containsExactly(Norm.LINF, Norm.L2);
        assertThat(e.attacks().subList(5, 7)).allSatisfy(a -> assertThat(a.entry().params()).isEmpty());
        // equal budgets: every defense fine-tunes vanilla for one epoch on the whole training set
        for (ModelEntry m : e.models().subList(1, 6)) {
            assertThat(m.initFrom()).as(m.name()).isEqualTo("vanilla");
            assertThat(m.params()).as(m.name()).containsEntry("epochs", 1).doesNotContainKey("train_subset");
        }
    }

    @Test
    void loadNamesAMissingFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> loader.load(missing))
                .isInstanceOf(ExperimentException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("no such experiment file");
    }

    @Test
    void loadReadsAFileAndNamesItInErrors(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("exp.yaml"), VALID);
        assertThat(loader.load(file).name()).isEqualTo("quick");

        Path bad = Files.writeString(dir.resolve("bad.yaml"), valid("name: quick", "name: quick\ncolour: red"));
        assertThatThrownBy(() -> loader.load(bad))
                .isInstanceOf(ExperimentException.class)
                .hasMessageStartingWith(bad.toString() + ":2:")
                .hasMessageContaining("'colour'");
    }

    // ---------------------------------------------------------------- unknown keys

    @Test
    void unknownTopLevelKeyNamesKeyLineAndAllowedKeys() {
        String text = VALID.replace("dataset: mnist\n", "dataset: mnist\ncolour: red\n"); // colour on line 3
        rejects(text)
                .hasMessageStartingWith(SOURCE + ":3:")
                .hasMessageContaining("unknown key 'colour'")
                .hasMessageContaining("top level")
                .hasMessageContaining("allowed")
                .hasMessageContaining("name").hasMessageContaining("dataset").hasMessageContaining("models")
                .hasMessageContaining("attacks").hasMessageContaining("seeds").hasMessageContaining("test_size")
                .hasMessageContaining("train_size").hasMessageContaining("preprocessing").hasMessageContaining("device")
                .hasMessageContaining("eval_batch_size");
    }

    @Test
    void unknownTopLevelKeyIsReportedOnItsOwnLineNotAtTheEnd() {
        // the key on line 1, many lines before the end of the mapping
        rejects("typo: 1\n" + VALID).hasMessageStartingWith(SOURCE + ":1:").hasMessageContaining("'typo'");
    }

    @Test
    void unknownKeyInsideAModelEntryNamesKeyEntryAndAllowedKeys() {
        String text = valid("    defense: vanilla\n", "    defense: vanilla\n    colour: red\n"); // line 6
        rejects(text)
                .hasMessageStartingWith(SOURCE + ":6:")
                .hasMessageContaining("unknown key 'colour'")
                .hasMessageContaining("models[0]")
                .hasMessageContaining("architectures").hasMessageContaining("defense")
                .hasMessageContaining("init_from").hasMessageContaining("params");
    }

    @Test
    void unknownKeyInsideAnAttackEntryIsNamed() {
        String text = valid("    norm: Linf\n", "    norm: Linf\n    budget: 3\n"); // line 21
        rejects(text)
                .hasMessageStartingWith(SOURCE + ":21:")
                .hasMessageContaining("unknown key 'budget'")
                .hasMessageContaining("attacks[1]")
                .hasMessageContaining("epsilons");
    }

    @Test
    void unknownKeyInASingleEntryWrittenWithoutAListIsReportedOnItsLine() {
        String text = String.join("\n",
                "name: quick",
                "dataset: mnist",
                "models:",
                "  name: vanilla",
                "  colour: red",
                "  defense: vanilla",
                "  architectures: [mlp]",
                "");
        rejects(text).hasMessageStartingWith(SOURCE + ":5:").hasMessageContaining("'colour'").hasMessageContaining("models[0]");
    }

    @Test
    void unknownKeyInALaterEntryIsReportedOnItsLine() {
        String text = valid("    init_from: vanilla\n", "    init_from: vanilla\n    paramz: {}\n"); // line 13
        rejects(text).hasMessageStartingWith(SOURCE + ":13:").hasMessageContaining("'paramz'").hasMessageContaining("models[1]");
    }

    // ---------------------------------------------------------------- plugins

    @Test
    void unknownDefenseListsTheKnownOnes() {
        rejects(valid("defense: vanilla", "defense: magic"))
                .hasMessageContaining("models[0]")
                .hasMessageContaining("unknown defense 'magic'")
                .hasMessageContaining("vanilla")
                .hasMessageContaining("deep-defense");
    }

    @Test
    void missingDefenseIsReported() {
        rejects(valid("    defense: vanilla\n", ""))
                .hasMessageContaining("models[0]")
                .hasMessageContaining("'defense' is required");
    }

    @Test
    void unknownArchitectureListsTheKnownOnes() {
        rejects(valid("architectures: [mlp]", "architectures: [mlp, resnet9000]"))
                .hasMessageContaining("models[0]")
                .hasMessageContaining("unknown architecture 'resnet9000'")
                .hasMessageContaining("mlp")
                .hasMessageContaining("lenet");
    }

    @Test
    void emptyArchitectureListIsRejected() {
        rejects(valid("architectures: [mlp]", "architectures: []"))
                .hasMessageContaining("models[0]")
                .hasMessageContaining("'architectures'");
    }

    @Test
    void unknownAttackListsTheKnownOnes() {
        rejects(valid("attack: fgsm", "attack: pgd-9000"))
                .hasMessageContaining("attacks[1]")
                .hasMessageContaining("unknown attack 'pgd-9000'")
                .hasMessageContaining("deepfool")
                .hasMessageContaining("fgsm");
    }

    @Test
    void unsupportedNormForAnAttackNamesTheSupportedOnes() {
        rejects(valid("norm: Linf", "norm: L2"))
                .hasMessageContaining("attacks[1] 'fgsm'")
                .hasMessageContaining("L2 is not supported")
                .hasMessageContaining("[Linf]");
    }

    @Test
    void unknownNormNamesTheAllowedOnes() {
        rejects(valid("norm: Linf", "norm: L7"))
                .hasMessageContaining("attacks[1]")
                .hasMessageContaining("'L7'")
                .hasMessageContaining("L2").hasMessageContaining("Linf");
    }

    @Test
    void missingNormIsReported() {
        rejects(valid("    norm: Linf\n", ""))
                .hasMessageContaining("attacks[1] 'fgsm'")
                .hasMessageContaining("'norm' is required");
    }

    // ---------------------------------------------------------------- hyper-parameters

    @Test
    void unknownDefenseParameterNamesKeyAndAllowedOnes() {
        rejects(valid("      epochs: 2", "      epochs: 2\n      lamda: 3"))
                .hasMessageContaining("models[0] 'vanilla'")
                .hasMessageContaining("lamda")
                .hasMessageContaining("allowed")
                .hasMessageContaining("epochs").hasMessageContaining("lr").hasMessageContaining("batch_size");
    }

    @Test
    void defenseSpecificParametersAreAllowedOnlyForTheirDefense() {
        // lambda is a Deep Defense parameter, not a vanilla one
        assertThat(parse(VALID.replace("    init_from: vanilla\n", "    init_from: vanilla\n    params: {lambda: 3}\n"))
                .models().get(1).params()).containsEntry("lambda", 3);
        rejects(valid("      epochs: 2", "      lambda: 3"))
                .hasMessageContaining("models[0] 'vanilla'")
                .hasMessageContaining("lambda");
    }

    @Test
    void wrongTypedDefenseParameterNamesKeyTypeAndValue() {
        rejects(valid("epochs: 2", "epochs: \"two\""))
                .hasMessageContaining("models[0] 'vanilla'")
                .hasMessageContaining("'epochs'")
                .hasMessageContaining("int")
                .hasMessageContaining("two");
    }

    @Test
    void fractionalIntegerParameterIsRejected() {
        rejects(valid("epochs: 2", "epochs: 2.5"))
                .hasMessageContaining("'epochs'")
                .hasMessageContaining("2.5");
    }

    @Test
    void unknownAttackParameterNamesKeyAndAllowedOnes() {
        rejects(valid("      max_iter: 10", "      max_iterations: 10"))
                .hasMessageContaining("attacks[0] 'deepfool'")
                .hasMessageContaining("max_iterations")
                .hasMessageContaining("allowed: [")
                .hasMessageContaining("overshoot");
    }

    @Test
    void wrongTypedAttackParameterIsRejected() {
        rejects(valid("      max_iter: 10", "      max_iter: lots"))
                .hasMessageContaining("attacks[0] 'deepfool'")
                .hasMessageContaining("'max_iter'")
                .hasMessageContaining("lots");
    }

    // ---------------------------------------------------------------- init_from

    @Test
    void initFromAMissingEntryListsTheEntries() {
        rejects(valid("init_from: vanilla", "init_from: ghost"))
                .hasMessageContaining("models[1] 'dd'")
                .hasMessageContaining("'init_from'")
                .hasMessageContaining("'ghost'")
                .hasMessageContaining("[vanilla, dd]");
    }

    @Test
    void initFromCycleIsRejected() {
        String text = valid("    defense: vanilla\n", "    defense: vanilla\n    init_from: dd\n");
        rejects(text).hasMessageContaining("cycle").hasMessageContaining("vanilla").hasMessageContaining("dd");
    }

    @Test
    void initFromItselfIsACycle() {
        rejects(valid("init_from: vanilla", "init_from: dd")).hasMessageContaining("models[1] 'dd'").hasMessageContaining("cycle");
    }

    @Test
    void initFromAnEntryWithoutTheArchitectureIsRejected() {
        rejects(valid("    architectures: [mlp]\n    init_from", "    architectures: [mlp, lenet]\n    init_from"))
                .hasMessageContaining("models[1] 'dd'")
                .hasMessageContaining("'init_from'")
                .hasMessageContaining("lenet");
    }

    @Test
    void dependencyOrderPutsParentsFirst() {
        // the child is listed before its parent
        String text = String.join("\n",
                "name: order",
                "dataset: mnist",
                "models:",
                "  - {name: grandchild, defense: deep-defense, architectures: [mlp], init_from: child}",
                "  - {name: child, defense: deep-defense, architectures: [mlp], init_from: root}",
                "  - {name: root, defense: vanilla, architectures: [mlp]}",
                "  - {name: other, defense: vanilla, architectures: [mlp]}",
                "");
        Experiment e = parse(text);
        assertThat(Plan.dependencyOrder(e.models())).extracting(ModelEntry::name)
                .containsExactly("root", "child", "grandchild", "other");
    }

    // ---------------------------------------------------------------- values

    @Test
    void duplicateModelNamesAreRejected() {
        rejects(valid("  - name: dd", "  - name: vanilla"))
                .hasMessageContaining("models[1]")
                .hasMessageContaining("'vanilla'")
                .hasMessageContaining("twice");
    }

    @Test
    void negativeEpsilonIsRejected() {
        rejects(valid("epsilons: [0.1]", "epsilons: [0.1, -0.2]"))
                .hasMessageContaining("attacks[1] 'fgsm'")
                .hasMessageContaining("epsilons")
                .hasMessageContaining("-0.2");
    }

    @Test
    void emptyEpsilonListIsRejected() {
        rejects(valid("epsilons: [0.1]", "epsilons: []"))
                .hasMessageContaining("attacks[1] 'fgsm'")
                .hasMessageContaining("'epsilons'");
    }

    @Test
    void headlineEpsilonsAreReadInOrderAndKeyedByTheNormsLabel() {
        Experiment e = parse(VALID + "headline: {l2: 1.0, Linf: 0.1}\n");
        assertThat(e.headline()).containsExactly(Map.entry("l2", 1.0), Map.entry("Linf", 0.1));
        assertThat(e.headlineByLabel()).containsExactly(Map.entry("L2", 1.0), Map.entry("Linf", 0.1));
        assertThat(parse(VALID).headline()).isEmpty();
    }

    @Test
    void headlineWithAnUnknownNormNamesTheKey() {
        rejects(VALID + "headline: {L7: 0.1}\n")
                .hasMessageContaining("headline: 'L7'").hasMessageContaining("unknown norm").hasMessageContaining("Linf");
    }

    @Test
    void headlineEpsilonOutsideEveryGridOfItsNormIsRejected() {
        rejects(VALID + "headline: {Linf: 0.3}\n")
                .hasMessageContaining("headline: 'Linf'").hasMessageContaining("0.3").hasMessageContaining("[0.1]");
        // 0.5 is in the L2 grid, not in the Linf one
        rejects(VALID + "headline: {Linf: 0.5}\n").hasMessageContaining("headline: 'Linf'");
    }

    @Test
    void headlineForANormNoAttackRunsOrNamedTwiceIsRejected() {
        rejects(valid("  - attack: fgsm\n    norm: Linf\n    epsilons: [0.1]\n", "") + "headline: {Linf: 0.1}\n")
                .hasMessageContaining("headline: 'Linf'").hasMessageContaining("no attack runs norm Linf");
        rejects(VALID + "headline: {Linf: 0.1, inf: 0.1}\n")
                .hasMessageContaining("headline: 'inf'").hasMessageContaining("named twice");
    }

    @Test
    void badDeviceListsTheAllowedOnes() {
        rejects(valid("dataset: mnist", "dataset: mnist\ndevice: tpu"))
                .hasMessageContaining("'device'")
                .hasMessageContaining("'tpu'")
                .hasMessageContaining("auto").hasMessageContaining("cpu").hasMessageContaining("gpu");
    }

    @Test
    void badPreprocessingListsTheAllowedOnes() {
        rejects(valid("dataset: mnist", "dataset: mnist\npreprocessing: zscore"))
                .hasMessageContaining("preprocessing")
                .hasMessageContaining("'zscore'")
                .hasMessageContaining("unit").hasMessageContaining("paper");
    }

    @Test
    void unknownDatasetListsTheKnownOnes() {
        rejects(valid("dataset: mnist", "dataset: imagenet"))
                .hasMessageContaining("'imagenet'")
                .hasMessageContaining("mnist").hasMessageContaining("cifar10");
    }

    @Test
    void missingNameIsRejected() {
        rejects(valid("name: quick\n", "")).hasMessageContaining("'name' is required");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "two words", "a/b", "sneaky\\\\path", "caf\u00e9"})
    void experimentNameWithBadCharactersIsRejected(String name) {
        rejects(valid("name: quick", "name: \"" + name + "\""))
                .hasMessageContaining("'name'")
                .hasMessageContaining("letters, digits");
    }

    @Test
    void modelNameWithBadCharactersIsRejected() {
        rejects(valid("  - name: dd", "  - name: \"d d\""))
                .hasMessageContaining("models[1]")
                .hasMessageContaining("'d d'");
    }

    @Test
    void nonPositiveSizesAreRejected() {
        rejects(valid("dataset: mnist", "dataset: mnist\ntest_size: 0")).hasMessageContaining("'test_size'");
        rejects(valid("dataset: mnist", "dataset: mnist\ntrain_size: -5")).hasMessageContaining("'train_size'");
        rejects(valid("dataset: mnist", "dataset: mnist\neval_batch_size: 0")).hasMessageContaining("'eval_batch_size'");
    }

    @Test
    void seedsMustBeNonEmptyAndDistinct() {
        rejects(valid("dataset: mnist", "dataset: mnist\nseeds: []")).hasMessageContaining("'seeds'");
        rejects(valid("dataset: mnist", "dataset: mnist\nseeds: [1, 2, 1]")).hasMessageContaining("'seeds'")
                .hasMessageContaining("duplicates");
    }

    @Test
    void noModelsIsRejected() {
        rejects("name: quick\ndataset: mnist\n").hasMessageContaining("'models'");
    }

    @Test
    void wrongTypedTopLevelValueNamesKeyAndLine() {
        rejects(valid("dataset: mnist", "dataset: mnist\ntest_size: many"))
                .hasMessageStartingWith(SOURCE + ":3:")
                .hasMessageContaining("'test_size'")
                .hasMessageContaining("many");
    }

    // ---------------------------------------------------------------- syntax

    @ParameterizedTest
    @ValueSource(strings = {"", "   \n\n", "# only a comment\n", "---\n"})
    void emptyFileIsRejected(String text) {
        rejects(text).hasMessageContaining("empty");
    }

    @Test
    void invalidYamlReportsTheLine() {
        // an unterminated quoted scalar on line 3
        rejects("name: quick\ndataset: mnist\nmodels: 'unterminated\n")
                .hasMessageContaining("not valid YAML")
                .hasMessageContaining("line 3");
        // a mapping where none is allowed on line 3
        rejects("name: quick\ndataset: mnist\n  test_size: 5\n")
                .hasMessageStartingWith(SOURCE + ":3:")
                .hasMessageContaining("not valid YAML");
    }

    @Test
    void invalidYamlInsideAListReportsTheLine() {
        // bad indentation on line 5, inside models
        String text = valid("    defense: vanilla\n", "   defense: vanilla\n");
        rejects(text).hasMessageStartingWith(SOURCE + ":5:");
    }

    @Test
    void aListAtTheTopLevelIsRejected() {
        rejects("- a\n- b\n").hasMessageContaining("top level");
    }

    @Test
    void aScalarWhereAListIsExpectedIsAcceptedAsASingleElement() {
        Experiment e = parse(valid("architectures: [mlp]", "architectures: mlp"));
        assertThat(e.models().get(0).architectures()).isEqualTo(List.of("mlp"));
    }

    @Test
    void duplicateKeysAreRejectedNotSilentlyOverwritten() {
        rejects(valid("      epochs: 2", "      epochs: 2\n      epochs: 3"))
                .hasMessageContaining("epochs");
    }

    @Test
    void integerParameterOutOfRangeIsRejectedNotTruncated() {
        rejects(valid("      epochs: 2", "      epochs: 99999999999"))
                .hasMessageContaining("epochs");
    }

    // ---------------------------------------------------------------- limits and one rule for numbers

    @ParameterizedTest
    @ValueSource(strings = {".", ".."})
    void dotNamesAreRefused(String name) {
        rejects(valid("name: quick", "name: \"" + name + "\"")).hasMessageContaining("not be '.' or '..'");
        rejects(valid("  - name: dd", "  - name: \"" + name + "\"")).hasMessageContaining("models[1]")
                .hasMessageContaining("not be '.' or '..'");
    }

    @Test
    void longNamesAreRefusedWithAnExcerpt() {
        String name = "m".repeat(5000);
        rejects(valid("  - name: dd", "  - name: " + name)).hasMessageContaining("models[1]")
                .hasMessageContaining("5000 characters; at most " + ExperimentLoader.MAX_NAME)
                .hasMessageEndingWith("it starts '" + "m".repeat(20) + "'")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
        assertThat(parse(valid("  - name: dd", "  - name: " + "m".repeat(ExperimentLoader.MAX_NAME))).models().get(1).name())
                .hasSize(ExperimentLoader.MAX_NAME);
    }

    @Test
    void aQuotedNumberIsAnErrorNamingTheKey() {
        rejects(valid("dataset: mnist", "dataset: mnist\ntest_size: \"100\"")).hasMessageContaining("'test_size'")
                .hasMessageContaining("expected an integer, found the text \"100\"");
        rejects(valid("epsilons: [0.1]", "epsilons: [\"0.1\"]")).hasMessageContaining("'attacks[1].epsilons[0]'")
                .hasMessageContaining("expected a number, found the text \"0.1\"");
        rejects(valid("dataset: mnist", "dataset: mnist\nseeds: [\"1\"]")).hasMessageContaining("'seeds[0]'");
        rejects(valid("dataset: mnist", "dataset: mnist\ntest_size: 100.5")).hasMessageContaining("'test_size'")
                .hasMessageContaining("expected an integer");
        rejects(valid("epochs: 2", "epochs: \"2\"")).hasMessageContaining("epochs");
    }

    @Test
    void duplicateEpsilonsAreRejected() {
        rejects(valid("epsilons: [0.1]", "epsilons: [0.1, 0.1]")).hasMessageContaining("attacks[1] 'fgsm'")
                .hasMessageContaining("'epsilons' has duplicates");
    }

    @Test
    void anOutOfRangeTrainingParameterNamesTheFileAndTheEntry() {
        rejects(valid("epochs: 2", "epochs: 2\n      lr: -1")).hasMessageContaining("models[0] 'vanilla'")
                .hasMessageContaining("'lr'").hasMessageContaining("-1.0");
    }

    @Test
    void anOversizedFileIsRefusedAtOnceWithoutEchoingIt(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.yaml");
        Files.writeString(big, "name: " + "x".repeat(ExperimentLoader.MAX_BYTES) + "\n");
        assertThatThrownBy(() -> loader.read(big)).isInstanceOf(ExperimentException.class)
                .hasMessageContaining(big.toString()).hasMessageContaining("limited to " + ExperimentLoader.MAX_BYTES)
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300));
        // a long value inside the limit is quoted as an excerpt only
        rejects(valid("dataset: mnist", "dataset: mnist\ndevice: " + "y".repeat(100_000)))
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400));
    }

    @Test
    void nonUtf8InputSaysWhere(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("latin1.yaml");
        byte[] text = "name: quick\ndataset: caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Files.write(file, text);
        assertThatThrownBy(() -> loader.read(file)).isInstanceOf(ExperimentException.class)
                .hasMessage(file + ": not UTF-8: byte 0xE9 at byte offset 24 (line 2) is not valid UTF-8; save the "
                        + "file as UTF-8");
    }
}
