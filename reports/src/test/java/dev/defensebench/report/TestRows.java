package dev.defensebench.report;

import dev.defensebench.model.ModelCard;
import dev.defensebench.spi.TrainingBudget;
import java.util.Map;

/** Builders of result rows and model summaries for the tests. */
final class TestRows {

    private TestRows() {
    }

    /** A clean-accuracy row of {@code model} on MNIST. */
    static ResultRow clean(String model, String defense, double accuracy) {
        return row(model, defense, "clean", "none", 0.0, accuracy, accuracy, Double.NaN);
    }

    /** A fixed-ε attack row. */
    static ResultRow attack(String model, String defense, String attack, String norm, double epsilon,
            double cleanAccuracy, double robustAccuracy) {
        return row(model, defense, attack, norm, epsilon, cleanAccuracy, robustAccuracy, Double.NaN);
    }

    /** A row with every field given that varies between tests; n = 1000. */
    static ResultRow row(String model, String defense, String attack, String norm, double epsilon,
            double cleanAccuracy, double robustAccuracy, double rho2) {
        int n = 1000;
        WilsonInterval ci = WilsonInterval.ofFraction(robustAccuracy, n);
        return ResultRow.builder().experiment("nightly").model(model).defense(defense).architecture("lenet")
                .dataset("mnist").preprocessing("unit").seed(7L).cellHash("abc123").attack(attack).norm(norm)
                .epsilon(epsilon).samples(n).cleanAccuracy(cleanAccuracy).robustAccuracy(robustAccuracy).robustCi(ci)
                .rho2(rho2).trainSeconds(245.0).attackSeconds(1.5).attackParams("{\"seed\":7,\"steps\":40}")
                .access(ResultRow.WHITE_BOX).attackLabel(label(attack)).attackTraits(traits(attack)).build();
    }

    /** The display name a run writes for {@code attack}, as the built-in attacks declare it (the id for others). */
    static String label(String attack) {
        return switch (attack) {
            case "fgsm" -> "FGSM";
            case "pgd" -> "PGD";
            case "deepfool" -> "DeepFool";
            case "cw-l2" -> "C&W L2";
            default -> attack;
        };
    }

    /** The traits a run writes for {@code attack}, as the built-in attacks declare them (none for others). */
    static String traits(String attack) {
        return switch (attack) {
            case "fgsm" -> "gradient";
            case "pgd" -> "gradient iterative";
            case "deepfool" -> "gradient iterative min-norm rho2";
            case "cw-l2" -> "gradient iterative min-norm";
            default -> "";
        };
    }

    /** {@code row} with the traits replaced by {@code traits} (e.g. "reliable" on a worst-case row). */
    static ResultRow withTraits(ResultRow row, String traits) {
        return ResultRow.from(row).attackTraits(traits).abstentions(Double.NaN).build();
    }

    /** A summary of {@code model} on MNIST with a training budget, fine-tuned from {@code parent} (null: none). */
    static ModelSummary summary(String model, String parent, long ownImages, long ancestorImages) {
        Map<String, String> details = parent == null ? Map.of() : Map.of("init_from", parent);
        TrainingBudget own = new TrainingBudget(ownImages, 3 * ownImages, 2 * ownImages, 1.0);
        return new ModelSummary(model, "vanilla", "lenet", "mnist", "unit", 7L, 1.0, "", details,
                new ModelCard.Budget(own, own.plus(new TrainingBudget(ancestorImages, ancestorImages, ancestorImages, 1.0))));
    }

    /** A summary of {@code model} on MNIST. */
    static ModelSummary summary(String model, String defense, double trainSeconds) {
        return new ModelSummary(model, defense, "lenet", "mnist", "unit", 7L, trainSeconds, "2026-11-25T10:00:00Z",
                Map.of("lr", "5e-4"), null);
    }
}
