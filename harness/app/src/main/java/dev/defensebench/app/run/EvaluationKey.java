package dev.defensebench.app.run;

import dev.defensebench.app.config.Experiment;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one owner of the evaluation cache key: the settings a stored evaluation's numbers depend on, so a
 * stored evaluation is reused only when every one of them is the same. Every setting of the experiment
 * file is classified here: scored (in this key), in the scored model's cell hash, or changing no score;
 * a test fails when a new setting is left unclassified.
 */
public final class EvaluationKey {

    /**
     * Experiment settings that reach an attack and are keyed here: the attacks (names, norms, ε, params,
     * seeds), the test images scored, the batch size, which seeds every batch ({@code seed*7919 + from}), and
     * the certifiers (their code is in the code map).
     */
    public static final Set<String> SCORING = Set.of("attacks", "testSize", "evalBatchSize", "certifiers");
    /** Experiment settings keyed through the scored model's cell hash. */
    public static final Set<String> IN_CELL_HASH = Set.of("dataset", "preprocessing", "trainSize", "seeds", "models",
            "imageFolder");
    /**
     * Experiment settings that change no score: names, where the run happens (the device changes float
     * rounding only), ONNX copies of the weights, JMH timings (keyed by their own file) and the board's
     * headline ε (chosen when the board is drawn).
     */
    public static final Set<String> NOT_SCORING = Set.of("name", "device", "exportOnnx", "timing", "headline");

    private EvaluationKey() {}

    /** The key of scoring the trained cell {@code cellHash}, whose weights have SHA-256 {@code paramsSha256}. */
    public static Map<String, Object> trained(Experiment experiment, String cellHash, String paramsSha256, Map<String, String> code) {
        Map<String, Object> key = scoring(experiment, cellHash, code);
        key.put("params_sha256", paramsSha256); // retrained weights that differ are scored anew
        return key;
    }

    /**
     * The key of scoring the imported cell {@code cellHash} through {@code importPath} (DJL or ONNX Runtime),
     * with or without a surrogate model for the gradients.
     */
    public static Map<String, Object> imported(Experiment experiment, String cellHash, String importPath,
            boolean surrogateUsed, Map<String, String> code) {
        Map<String, Object> key = scoring(experiment, cellHash, code);
        key.put("import_path", importPath);
        key.put("surrogate_used", surrogateUsed);
        return key;
    }

    private static Map<String, Object> scoring(Experiment experiment, String cellHash, Map<String, String> code) {
        Map<String, Object> key = new TreeMap<>();
        key.put("cell", cellHash);
        key.put("test_size", experiment.testSize());
        key.put("attacks", experiment.attacks());
        key.put("eval_batch_size", experiment.evalBatchSize());
        if (!experiment.certifiers().isEmpty()) { // absent without certifiers: earlier evaluations keep their keys
            key.put("certifiers", experiment.certifiers());
        }
        key.put("code", code);
        return key;
    }
}
