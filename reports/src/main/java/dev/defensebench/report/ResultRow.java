package dev.defensebench.report;

import dev.defensebench.spi.AttackTraits;
import java.util.Locale;
import java.util.Objects;

/**
 * One row of a benchmark's results: one model entry scored by one attack at one ε. The row with
 * attack {@value #CLEAN_ATTACK} and ε 0 carries the clean accuracy. Components appear in the order of
 * the CSV columns ({@link ResultColumn}); a double that does not apply is {@code NaN} (an empty cell).
 * Rows are made with {@link #builder()}, which names every value (the canonical constructor is for readers of
 * stored rows: JSON and CSV).
 *
 * @param experiment     the experiment's name
 * @param model          the entry id, e.g. "vanilla/mlp/s0"
 * @param defense        the defense id, e.g. "deep-defense"
 * @param architecture   the architecture id, e.g. "lenet"
 * @param dataset        the dataset id, e.g. "mnist"
 * @param preprocessing  the input preprocessing the numbers were measured under, e.g. "unit"
 * @param seed           the training seed
 * @param cellHash       the content hash of the cell that produced the model
 * @param attack         the attack id, or "clean"
 * @param norm           "L2", "Linf" or "none"
 * @param epsilon        the perturbation budget (for a min-norm attack: the threshold of the ε grid)
 * @param samples        the number of test points scored
 * @param cleanAccuracy  the model's clean accuracy on those points, in [0, 1]
 * @param robustAccuracy the fraction of points still correctly classified under the attack
 * @param robustCiLow    lower end of the 95% Wilson interval of {@code robustAccuracy}
 * @param robustCiHigh   upper end of the 95% Wilson interval of {@code robustAccuracy}
 * @param rho2           mean ‖Δx‖₂/‖x‖₂ of a min-norm attack; {@code NaN} when not applicable
 * @param trainSeconds   wall-clock training time of the model
 * @param attackSeconds  wall-clock time of the attack run
 * @param attackParams   compact JSON of the attack's parameters, seed included ("{}" if none)
 * @param access         how the attack reached the model: {@value #WHITE_BOX}, {@value #BLACK_BOX} or {@value #TRANSFER}
 * @param attackImagesPerSecond attack throughput: test images attacked per second of attack wall time
 *                       (a fixed-ε attack counts every image once per ε); {@code NaN} when not applicable
 * @param attackLabel    the attack's display name as the attack declares it (e.g. "DeepFool"); the board
 *                       shows it instead of the id; "" reads as the id
 * @param attackTraits   the attack's declared traits as {@link AttackTraits#flags()} writes them (e.g.
 *                       "gradient iterative min-norm rho2"); empty for the clean, worst-case and transfer rows;
 *                       {@value #CERTIFIED} for a row of a certifier (its "attack" is the certifier's id and its
 *                       robust accuracy the certified accuracy, a lower bound where an attack's is an upper one)
 * @param abstentions    for a certified row, the number of points the certifier abstained on (randomized
 *                       smoothing); {@code NaN} for every other row
 */
public record ResultRow(
        String experiment,
        String model,
        String defense,
        String architecture,
        String dataset,
        String preprocessing,
        long seed,
        String cellHash,
        String attack,
        String norm,
        double epsilon,
        int samples,
        double cleanAccuracy,
        double robustAccuracy,
        double robustCiLow,
        double robustCiHigh,
        double rho2,
        double trainSeconds,
        double attackSeconds,
        String attackParams,
        String access,
        double attackImagesPerSecond,
        String attackLabel,
        String attackTraits,
        double abstentions) {

    /** The {@link #attackTraits} of a certifier's row. */
    public static final String CERTIFIED = "certified";

    /** The attack id of the row that carries the clean accuracy. */
    public static final String CLEAN_ATTACK = "clean";
    /** Access value: the model's own gradients (and logits) were available (a DJL network). */
    public static final String WHITE_BOX = "white-box";
    /** Access value: only the model's logits were available (an ONNX model scored through ONNX Runtime). */
    public static final String BLACK_BOX = "black-box";
    /** Access value: examples crafted on a surrogate model (named in attack_params), evaluated on this one. */
    public static final String TRANSFER = "transfer";

    /**
     * Rejects null texts, a negative sample count and accuracies outside [0, 1]; a null {@code access}
     * (a row stored before that column existed) means {@value #WHITE_BOX}; a null or empty {@code
     * attackLabel} means the attack id, null {@code attackTraits} none.
     */
    public ResultRow {
        Objects.requireNonNull(experiment, "experiment");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(defense, "defense");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(dataset, "dataset");
        Objects.requireNonNull(preprocessing, "preprocessing");
        Objects.requireNonNull(cellHash, "cellHash");
        Objects.requireNonNull(attack, "attack");
        Objects.requireNonNull(norm, "norm");
        Objects.requireNonNull(attackParams, "attackParams");
        // evaluations stored before the access column existed are all white-box
        access = access == null ? WHITE_BOX : access;
        attackLabel = attackLabel == null || attackLabel.isEmpty() ? attack : attackLabel;
        attackTraits = attackTraits == null ? "" : attackTraits;
        if (samples < 0) {
            throw new IllegalArgumentException("samples must be >= 0, found " + samples);
        }
        requireFraction("clean_accuracy", cleanAccuracy);
        requireFraction("robust_accuracy", robustAccuracy);
        requireFraction("robust_ci_low", robustCiLow);
        requireFraction("robust_ci_high", robustCiHigh);
        if (!Double.isNaN(abstentions) && !(abstentions >= 0 && abstentions <= samples)) {
            throw new IllegalArgumentException("abstentions must be in [0, samples] (or NaN), found " + abstentions);
        }
    }

    /** Whether this row is a certifier's (traits {@value #CERTIFIED}). */
    public boolean isCertified() {
        return AttackTraits.hasFlag(attackTraits, CERTIFIED);
    }

    /** Whether the attack declared that its ρ2 is the board's ρ2 ({@link AttackTraits#givesRho2()}) and this row has one. */
    public boolean givesRho2() {
        return AttackTraits.hasFlag(attackTraits, AttackTraits.RHO2_FLAG) && !Double.isNaN(rho2);
    }

    /**
     * Whether the row is a reliable evaluation ({@link AttackTraits#RELIABLE_FLAG}): a run the attack
     * declared reliable, or a worst-case row that such a run contributed to at exactly this ε.
     */
    public boolean isReliable() {
        return AttackTraits.hasFlag(attackTraits, AttackTraits.RELIABLE_FLAG);
    }

    /**
     * Whether the row's attack declared itself min-norm; for a row without declared traits (a file written
     * before the column existed), whether it carries a ρ2.
     */
    public boolean isMinNorm() {
        return attackTraits.isEmpty() ? !Double.isNaN(rho2) : AttackTraits.hasFlag(attackTraits, AttackTraits.MIN_NORM_FLAG);
    }

    /** Whether this is the clean-accuracy row (attack "clean", case-insensitive). */
    public boolean isClean() {
        return attack.toLowerCase(Locale.ROOT).equals(CLEAN_ATTACK);
    }

    /** A builder of a row: every value named; the doubles that do not apply stay {@code NaN}. */
    public static ResultRowBuilder builder() {
        return new ResultRowBuilder();
    }

    /** A builder holding every value of {@code row}, to make a row that differs in a few. */
    public static ResultRowBuilder from(ResultRow row) {
        return new ResultRowBuilder().experiment(row.experiment).model(row.model).defense(row.defense)
                .architecture(row.architecture).dataset(row.dataset).preprocessing(row.preprocessing).seed(row.seed)
                .cellHash(row.cellHash).attack(row.attack).norm(row.norm).epsilon(row.epsilon).samples(row.samples)
                .cleanAccuracy(row.cleanAccuracy).robustAccuracy(row.robustAccuracy)
                .robustCi(row.robustCiLow, row.robustCiHigh).rho2(row.rho2).trainSeconds(row.trainSeconds)
                .attackSeconds(row.attackSeconds).attackParams(row.attackParams).access(row.access)
                .attackImagesPerSecond(row.attackImagesPerSecond).attackLabel(row.attackLabel)
                .attackTraits(row.attackTraits).abstentions(row.abstentions);
    }

    private static void requireFraction(String name, double value) {
        if (!Double.isNaN(value) && (value < 0.0 || value > 1.0)) {
            throw new IllegalArgumentException(name + " must be in [0, 1] (or NaN), found " + value);
        }
    }
}
