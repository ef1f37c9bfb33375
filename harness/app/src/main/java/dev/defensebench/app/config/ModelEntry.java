package dev.defensebench.app.config;

import java.util.List;
import java.util.Map;

/**
 * One entry of the board: a defense trained on one or more architectures, or (with {@code onnx}) a
 * model trained elsewhere and imported from an ONNX file.
 *
 * @param name unique within the experiment; other entries refer to it in {@code init_from}
 * @param defense a registered defense, e.g. "deep-defense"
 * @param architectures registered architectures, e.g. [mlp, lenet]
 * @param initFrom another entry to fine-tune from (same architecture and seed), or null
 * @param params the defense's hyper-parameters (unknown keys are errors)
 * @param onnx an ONNX file to import instead of training (path relative to the working directory), or null
 * @param inputShape for an ONNX entry: the input shape of one sample the model expects, e.g. [1, 28, 28]
 *     (must equal the data set's; default: the data set's)
 * @param dataset for an ONNX entry: the data set it was trained for (must equal the experiment's; optional)
 * @param preprocessing for an ONNX entry: the preprocessing its inputs need (must equal the experiment's; optional)
 * @param surrogate for an ONNX entry: a trained entry whose model (first architecture, first seed) crafts
 *     transfer attacks with the experiment's gradient attacks; null for none
 * @param maxMb for an ONNX entry: files larger than this many MiB are refused (default 256)
 * @param whiteBox for an ONNX entry: rebuild the graph in DJL when it uses only supported operators, so
 *     white-box attacks apply (default true); false scores it through ONNX Runtime only
 * @param output for an ONNX entry whose graph has several outputs: the classifier output's name (default: the only
 *     FLOAT [batch, classes] output)
 */
public record ModelEntry(
        String name, String defense, List<String> architectures, String initFrom, Map<String, Object> params,
        String onnx, List<Integer> inputShape, String dataset, String preprocessing, String surrogate, Double maxMb,
        Boolean whiteBox, String output) {

    /** A trained entry (no ONNX keys). */
    public ModelEntry(String name, String defense, List<String> architectures, String initFrom, Map<String, Object> params) {
        this(name, defense, architectures, initFrom, params, null, null, null, null, null, null, null, null);
    }

    /** An entry without the 'output' key. */
    public ModelEntry(String name, String defense, List<String> architectures, String initFrom, Map<String, Object> params,
            String onnx, List<Integer> inputShape, String dataset, String preprocessing, String surrogate, Double maxMb,
            Boolean whiteBox) {
        this(name, defense, architectures, initFrom, params, onnx, inputShape, dataset, preprocessing, surrogate, maxMb, whiteBox,
                null);
    }

    /** The ONNX size limit in bytes ('max_mb', default 256 MiB). */
    public long maxBytes() {
        return maxMb == null ? 256L << 20 : (long) Math.floor(maxMb * 1024 * 1024);
    }

    /** Whether to try rebuilding the ONNX graph in DJL ('white_box', default true). */
    public boolean rebuildInDjl() {
        return whiteBox == null || whiteBox;
    }

    /** Whether this entry imports an ONNX file instead of training. */
    public boolean isImported() {
        return onnx != null;
    }

    public ModelEntry {
        inputShape = inputShape == null ? null : List.copyOf(inputShape);
        architectures = architectures == null ? List.of() : List.copyOf(architectures);
        params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    }
}
