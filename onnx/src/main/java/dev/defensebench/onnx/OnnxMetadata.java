package dev.defensebench.onnx;

/**
 * The metadata_props keys the exporter writes (and the importer checks), so that an exported file
 * says which inputs it needs and where it came from.
 */
public final class OnnxMetadata {

    private OnnxMetadata() {}

    /** "unit" or "paper": the input preprocessing the model was trained with. */
    public static final String PREPROCESSING = "defense_bench.preprocessing";
    /** One human line describing the preprocessing. */
    public static final String PREPROCESSING_DETAIL = "defense_bench.preprocessing_detail";
    /** For "paper": the per-pixel training mean (C·H·W comma-separated values on the 0..255 scale) to subtract. */
    public static final String PREPROCESSING_MEAN = "defense_bench.preprocessing_mean";
    /** The input range after preprocessing, e.g. "[0, 1]" or "[-mean, 255 - mean]". */
    public static final String INPUT_RANGE = "defense_bench.input_range";
    /** The data set the model was trained on. */
    public static final String DATASET = "defense_bench.dataset";
    /** The data set's SHA-256 identity. */
    public static final String DATASET_SHA256 = "defense_bench.dataset_sha256";
    /** The shape of one input sample, e.g. "1,28,28". */
    public static final String INPUT_SHAPE = "defense_bench.input_shape";
    /** The number of classes (logits). */
    public static final String NUM_CLASSES = "defense_bench.num_classes";
    /** The board id of the trained cell, e.g. "vanilla/lenet/s0". */
    public static final String CELL = "defense_bench.cell";
    /** The content hash of the trained cell. */
    public static final String CELL_HASH = "defense_bench.cell_hash";
    /** The defense that trained it. */
    public static final String DEFENSE = "defense_bench.defense";
    /** The architecture id. */
    public static final String ARCHITECTURE = "defense_bench.architecture";
}
