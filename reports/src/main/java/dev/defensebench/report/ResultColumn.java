package dev.defensebench.report;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The columns of {@code results.csv}, in file order, each with its header name, value type and
 * meaning. The enum order equals the component order of {@link ResultRow}.
 */
public enum ResultColumn {
    EXPERIMENT("experiment", Type.TEXT, ResultRow::experiment, "name of the experiment that produced the row"),
    MODEL("model", Type.TEXT, ResultRow::model, "model entry id, e.g. vanilla/mlp/s0"),
    DEFENSE("defense", Type.TEXT, ResultRow::defense, "defense id the model was trained with"),
    ARCHITECTURE("architecture", Type.TEXT, ResultRow::architecture, "architecture id, e.g. lenet"),
    DATASET("dataset", Type.TEXT, ResultRow::dataset, "dataset id, e.g. mnist"),
    PREPROCESSING("preprocessing", Type.TEXT, ResultRow::preprocessing,
            "input preprocessing all numbers of the row were measured under, e.g. unit"),
    SEED("seed", Type.LONG, ResultRow::seed, "training seed of the model"),
    CELL_HASH("cell_hash", Type.TEXT, ResultRow::cellHash, "content hash of the cell (config + code version)"),
    ATTACK("attack", Type.TEXT, ResultRow::attack, "attack id; \"clean\" for the clean-accuracy row"),
    NORM("norm", Type.TEXT, ResultRow::norm, "perturbation norm: L2, Linf, or none for the clean row"),
    EPSILON("epsilon", Type.DOUBLE, ResultRow::epsilon,
            "perturbation budget; for a min-norm attack the threshold of the ε grid; 0 for the clean row"),
    SAMPLES("samples", Type.INT, ResultRow::samples, "number of test points scored"),
    CLEAN_ACCURACY("clean_accuracy", Type.DOUBLE, ResultRow::cleanAccuracy,
            "clean accuracy of the model on those points, in [0,1]"),
    ROBUST_ACCURACY("robust_accuracy", Type.DOUBLE, ResultRow::robustAccuracy,
            "fraction of points still classified correctly under the attack at this ε"),
    ROBUST_CI_LOW("robust_ci_low", Type.DOUBLE, ResultRow::robustCiLow,
            "lower end of the 95% Wilson interval of robust_accuracy"),
    ROBUST_CI_HIGH("robust_ci_high", Type.DOUBLE, ResultRow::robustCiHigh,
            "upper end of the 95% Wilson interval of robust_accuracy"),
    RHO2("rho2", Type.DOUBLE, ResultRow::rho2,
            "mean ‖Δx‖₂/‖x‖₂ of a min-norm attack (empty when not applicable)"),
    TRAIN_SECONDS("train_seconds", Type.DOUBLE, ResultRow::trainSeconds, "wall-clock training time of the model, seconds"),
    ATTACK_SECONDS("attack_seconds", Type.DOUBLE, ResultRow::attackSeconds, "wall-clock time of the attack run, seconds"),
    ATTACK_PARAMS("attack_params", Type.TEXT, ResultRow::attackParams,
            "compact JSON of the attack's parameters, seed included"),
    ACCESS("access", Type.TEXT, ResultRow::access,
            "how the attack reached the model: white-box (its gradients), black-box (logits only, an ONNX model run "
                    + "by ONNX Runtime) or transfer (examples crafted on the surrogate named in attack_params)"),
    ATTACK_IMAGES_PER_SECOND("attack_images_per_second", Type.DOUBLE, ResultRow::attackImagesPerSecond,
            "attack throughput: test images attacked per second of attack wall time, counting every image once per ε "
                    + "for a fixed-ε attack and once for a min-norm attack (empty for clean and worst-case rows)"),
    ATTACK_LABEL("attack_label", Type.TEXT, ResultRow::attackLabel,
            "the attack's display name as the attack plugin declares it, e.g. DeepFool (optional when read: the id)",
            true),
    ATTACK_TRAITS("attack_traits", Type.TEXT, ResultRow::attackTraits,
            "the attack's declared traits, space-separated: its access (gradient, score, random or ensemble), then "
                    + "iterative, min-norm and rho2 where they apply (empty for clean, worst-case and transfer rows; "
                    + "\"certified\" for a certifier's row; optional when read)", true),
    ABSTENTIONS("abstentions", Type.DOUBLE, ResultRow::abstentions,
            "for a certifier's row, the number of points it abstained on (randomized smoothing); empty otherwise "
                    + "(optional when read)", true);

    /** The value type of a column, as it is checked when a file is read. */
    public enum Type {
        /** Any text. */
        TEXT("text"),
        /** A 64-bit integer. */
        LONG("integer (64-bit)"),
        /** A 32-bit integer. */
        INT("integer (32-bit)"),
        /** A decimal number; an empty cell means NaN. */
        DOUBLE("decimal number or empty");

        private final String description;

        Type(String description) {
            this.description = description;
        }

        /** How the type is named in error messages. */
        public String description() {
            return description;
        }
    }

    private static final List<ResultColumn> ALL = List.of(values());

    private final String header;
    private final Type type;
    private final Function<ResultRow, Object> getter;
    private final String meaning;
    private final boolean optional;

    ResultColumn(String header, Type type, Function<ResultRow, Object> getter, String meaning) {
        this(header, type, getter, meaning, false);
    }

    ResultColumn(String header, Type type, Function<ResultRow, Object> getter, String meaning, boolean optional) {
        this.header = header;
        this.type = type;
        this.getter = getter;
        this.meaning = meaning;
        this.optional = optional;
    }

    /** Whether a file may lack the column (files written before it existed); its value is then the row's default. */
    public boolean optional() {
        return optional;
    }

    /** The snake_case header name in the CSV file. */
    public String header() {
        return header;
    }

    /** The value type of the column. */
    public Type type() {
        return type;
    }

    /** One line saying what the column holds. */
    public String meaning() {
        return meaning;
    }

    /** This column's value in {@code row} (boxed). */
    public Object valueOf(ResultRow row) {
        return getter.apply(row);
    }

    /** All columns in file order. */
    public static List<ResultColumn> all() {
        return ALL;
    }

    /** The header names in file order. */
    public static List<String> headers() {
        return Arrays.stream(values()).map(ResultColumn::header).toList();
    }
}
