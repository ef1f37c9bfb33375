package dev.defensebench.app.plan;

import dev.defensebench.app.config.Experiment;
import dev.defensebench.files.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The one owner of every cache key and of the hash that names it: a trained cell's and an imported cell's
 * (what decides the model), an evaluation's (what decides its numbers besides the model) and a timing's
 * (the settings and hardware of its measurements). A stored artifact is reused only when every input of
 * its key is the same. Every setting of the experiment file is classified here: scored (in the evaluation
 * key), in the scored model's cell hash, or changing no score; a test fails when a new setting is left
 * unclassified.
 */
public final class CacheKeys {

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

    private CacheKeys() {}

    /** SHA-256 (hex) of the canonical JSON of {@code value} (map keys sorted): the hash of every key. */
    public static String sha256(Object value) {
        try {
            byte[] json = Json.MAPPER.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (NoSuchAlgorithmException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What decides a trained cell's weights.
     *
     * @param code the code identity of its defense, architecture and preprocessing
     * @param dataset the data set id
     * @param dataSha256 the data's identity
     * @param trainSize the training images used
     * @param preprocessing the preprocessing id
     * @param defense the defense id
     * @param architecture the architecture id
     * @param params every resolved hyper-parameter
     * @param seed the training seed
     * @param parentHash the hash of the cell it fine-tunes, or null
     */
    public record TrainedCell(Map<String, String> code, String dataset, String dataSha256, int trainSize,
            String preprocessing, String defense, String architecture, Map<String, Object> params, long seed,
            String parentHash) {

        /** The cell's hash. */
        public String hash() {
            Map<String, Object> config = new TreeMap<>();
            config.put("format", 1);
            config.put("code", code);
            config.put("dataset", dataset);
            config.put("data_sha256", dataSha256);
            config.put("train_size", trainSize);
            config.put("preprocessing", preprocessing);
            config.put("defense", defense);
            config.put("architecture", architecture);
            config.put("params", params);
            config.put("seed", seed);
            config.put("parent", parentHash);
            return sha256(config);
        }
    }

    /**
     * What decides an imported cell's model.
     *
     * @param onnxSha256 the ONNX file's content
     * @param whiteBox whether it is rebuilt in DJL (else scored through ONNX Runtime)
     * @param output the classifier output named by the entry, or null (then not in the key: older keys hold)
     * @param code the code identity of the importer
     * @param dataset the data set id
     * @param dataSha256 the identity of the data it is scored on
     * @param preprocessing the preprocessing id
     * @param surrogateHash the hash of its surrogate cell, or null
     */
    public record ImportedCell(String onnxSha256, boolean whiteBox, String output, Map<String, String> code,
            String dataset, String dataSha256, String preprocessing, String surrogateHash) {

        /** The cell's hash. */
        public String hash() {
            Map<String, Object> config = new TreeMap<>();
            config.put("format", 1);
            config.put("onnx_sha256", onnxSha256);
            config.put("white_box", whiteBox);
            if (output != null) {
                config.put("output", output);
            }
            config.put("code", code);
            config.put("dataset", dataset);
            config.put("data_sha256", dataSha256);
            config.put("preprocessing", preprocessing);
            config.put("surrogate", surrogateHash);
            return sha256(config);
        }
    }

    /**
     * The key of a cell's JMH timings: its model, the runner's settings, the hardware, the timed attacks and
     * the images measured.
     */
    public static Map<String, Object> timing(String cellHash, Object settings, Object hardware, Object attacks, int images) {
        Map<String, Object> key = new TreeMap<>();
        key.put("cell", cellHash);
        key.put("settings", settings);
        key.put("hardware", hardware);
        key.put("attacks", attacks);
        key.put("images", images);
        return key;
    }

    /** The evaluation key of scoring the trained cell {@code cellHash}, whose weights have SHA-256 {@code paramsSha256}. */
    public static Map<String, Object> evaluation(Experiment experiment, String cellHash, String paramsSha256, Map<String, String> code) {
        Map<String, Object> key = scoring(experiment, cellHash, code);
        key.put("params_sha256", paramsSha256); // retrained weights that differ are scored anew
        return key;
    }

    /**
     * The key of scoring the imported cell {@code cellHash} through {@code importPath} (DJL or ONNX Runtime),
     * with or without a surrogate model for the gradients.
     */
    public static Map<String, Object> importedEvaluation(Experiment experiment, String cellHash, String importPath,
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
        key.put("attacks", experiment.file().attacks()); // as written: the keys of earlier runs stay valid
        key.put("eval_batch_size", experiment.evalBatchSize());
        if (!experiment.certifiers().isEmpty()) { // absent without certifiers: earlier evaluations keep their keys
            key.put("certifiers", experiment.file().certifiers());
        }
        key.put("code", code);
        return key;
    }
}
