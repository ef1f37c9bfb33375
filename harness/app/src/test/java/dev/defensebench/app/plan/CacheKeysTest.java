package dev.defensebench.app.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentFile;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The evaluation cache key follows every setting that reaches an attack, and every setting is classified. */
class CacheKeysTest {

    private static final ExperimentLoader LOADER = new ExperimentLoader(Plugins.discover(), Set.of("mnist"));

    private static final String BASE = String.join("\n",
            "name: keyed",
            "dataset: mnist",
            "test_size: 500",
            "eval_batch_size: 250",
            "models:",
            "  - {name: vanilla, defense: vanilla, architectures: [mlp]}",
            "attacks:",
            "  - {attack: pgd, norm: Linf, epsilons: [0.1, 0.2], params: {steps: 10}, seed: 0}",
            "");

    private static String trainedKey(String text) {
        Experiment e = LOADER.parse("keyed.yaml", text);
        return CacheKeys.sha256(CacheKeys.evaluation(e, "cellhash", "paramshash", java.util.Map.of("evaluator", "code")));
    }

    private static String importedKey(String text) {
        Experiment e = LOADER.parse("keyed.yaml", text);
        return CacheKeys.sha256(CacheKeys.importedEvaluation(e, "cellhash", "djl", false, java.util.Map.of("evaluator", "code")));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "eval_batch_size: 250|eval_batch_size: 100",
        "test_size: 500|test_size: 400",
        "attack: pgd, norm: Linf, epsilons: [0.1, 0.2], params: {steps: 10}|attack: fgsm, norm: Linf, epsilons: [0.1, 0.2]",
        "norm: Linf, epsilons: [0.1, 0.2], params: {steps: 10}|norm: L2, epsilons: [0.1, 0.2], params: {steps: 10}",
        "epsilons: [0.1, 0.2]|epsilons: [0.1, 0.3]",
        "params: {steps: 10}|params: {steps: 20}",
        "seed: 0}|seed: 1}",
    })
    void everySettingThatReachesAnAttackChangesTheKey(String from, String to) {
        assertThat(BASE).contains(from);
        String changed = BASE.replace(from, to);
        assertThat(trainedKey(changed)).as(to).isNotEqualTo(trainedKey(BASE));
        assertThat(importedKey(changed)).as(to).isNotEqualTo(importedKey(BASE));
    }

    @Test
    void settingsThatChangeNoScoreKeepTheKey() {
        String changed = BASE.replace("name: keyed", "name: renamed") + "device: cpu\nexport_onnx: true\nheadline: {Linf: 0.2}\n";
        assertThat(trainedKey(changed)).isEqualTo(trainedKey(BASE));
    }

    @Test
    void theModelBeingScoredChangesTheKey() {
        Experiment e = LOADER.parse("keyed.yaml", BASE);
        String key = CacheKeys.sha256(CacheKeys.evaluation(e, "cellhash", "paramshash", java.util.Map.of("evaluator", "code")));
        assertThat(CacheKeys.sha256(CacheKeys.evaluation(e, "othercell", "paramshash", java.util.Map.of("evaluator", "code")))).isNotEqualTo(key);
        assertThat(CacheKeys.sha256(CacheKeys.evaluation(e, "cellhash", "retrained", java.util.Map.of("evaluator", "code")))).isNotEqualTo(key);
        assertThat(CacheKeys.sha256(CacheKeys.evaluation(e, "cellhash", "paramshash", java.util.Map.of("evaluator", "newcode")))).isNotEqualTo(key);
        assertThat(CacheKeys.sha256(CacheKeys.importedEvaluation(e, "cellhash", "onnxruntime", false, java.util.Map.of("evaluator", "code"))))
                .isNotEqualTo(CacheKeys.sha256(CacheKeys.importedEvaluation(e, "cellhash", "djl", false, java.util.Map.of("evaluator", "code"))));
        assertThat(CacheKeys.sha256(CacheKeys.importedEvaluation(e, "cellhash", "djl", true, java.util.Map.of("evaluator", "code"))))
                .isNotEqualTo(CacheKeys.sha256(CacheKeys.importedEvaluation(e, "cellhash", "djl", false, java.util.Map.of("evaluator", "code"))));
    }

    @Test
    void theEvaluationKeyHashesTheAttacksAsWrittenNotAsResolved() throws Exception {
        // the loader resolves the attacks (defaults filled in), but the key keeps the file's text, so that the
        // stored evaluations of earlier runs keep their keys
        Experiment e = LOADER.parse("keyed.yaml", BASE.replace("norm: Linf", "norm: linf"));
        String expected = "{\"attacks\":[{\"attack\":\"pgd\",\"norm\":\"linf\",\"epsilons\":[0.1,0.2],"
                + "\"params\":{\"steps\":10},\"seed\":0}],\"cell\":\"cellhash\",\"code\":{\"evaluator\":\"code\"},"
                + "\"eval_batch_size\":250,\"params_sha256\":\"paramshash\",\"test_size\":500}";
        java.util.Map<String, Object> key = CacheKeys.evaluation(e, "cellhash", "paramshash", java.util.Map.of("evaluator", "code"));
        assertThat(dev.defensebench.files.Json.MAPPER.writeValueAsString(key)).isEqualTo(expected);
        assertThat(CacheKeys.sha256(key)).isEqualTo(java.util.HexFormat.of().formatHex(java.security.MessageDigest
                .getInstance("SHA-256").digest(expected.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }

    @Test
    void everyExperimentSettingIsClassifiedOnce() {
        Set<String> components = Arrays.stream(ExperimentFile.class.getRecordComponents()).map(c -> c.getName())
                .collect(Collectors.toSet());
        Set<String> classified = new HashSet<>(CacheKeys.SCORING);
        classified.addAll(CacheKeys.IN_CELL_HASH);
        classified.addAll(CacheKeys.NOT_SCORING);
        assertThat(classified).as("a new setting of the experiment file must be classified in CacheKeys")
                .isEqualTo(components);
        assertThat(CacheKeys.SCORING.size() + CacheKeys.IN_CELL_HASH.size() + CacheKeys.NOT_SCORING.size())
                .isEqualTo(components.size());
    }
}
