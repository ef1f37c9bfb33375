package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ParamSpec;
import dev.defensebench.spi.StageOutcome;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * AutoAttack (Croce and Hein 2020), Linf and L2: a list of stages, each run on the points the earlier ones
 * left robust; a point counts as broken when any stage breaks it. {@code version: standard} runs the
 * original's standard list, APGD-CE, APGD-T (targeted DLR), FAB-T and Square, at the budgets below (whose
 * defaults are the original's: 100 steps, 1 restart, 9 targets, 5000 queries); {@code version: custom}
 * runs the comma-separated {@code stages} instead (any of apgd-ce, apgd-dlr, apgd-t, fab, fab-t,
 * square). Square runs its window schedule unstretched, as the original's ({@code resc_schedule=False}).
 * On a model without input gradients only Square runs.
 */
public final class AutoAttack extends FixedEpsilonAttack {

    /**
     * The default of {@code target_rows}: the CIFAR recipes' batch. A batch of few points costs more per image than a
     * full one (WRN-16-4's input gradient on the development VM, 2 threads: 10.1 ms an image at 8, 8.2 at 72, 8.3 at
     * 128), and APGD-T's nine runs on the points APGD-CE left are such batches.
     */
    static final int TARGET_ROWS = 128;

    /** The original's standard stages, in its order. */
    public static final List<String> STANDARD = List.of("apgd-ce", "apgd-t", "fab-t", "square");

    /** Every stage a custom list may name, with the offset of its random stream (fixed per name, so a stage
     * draws the same numbers whichever stages run with it). */
    private static final Map<String, Integer> STREAMS = Map.of(
            "apgd-t", 1, "square", 2, "fab-t", 3, "fab", 4, "apgd-dlr", 5, "apgd-ce", 6);


    @Override
    public String name() {
        return "autoattack";
    }

    @Override
    public AttackTraits traits() {
        return AttackTraits.fixedEpsilon("AutoAttack", AttackTraits.Access.ENSEMBLE, "steps");
    }

    @Override
    public String description() {
        return "AutoAttack: standard = APGD-CE, APGD-T, FAB-T, Square (or a custom list), each on the points still robust";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(
                ParamSpec.ofString("version", "standard", "standard (" + String.join(", ", STANDARD)
                        + ") or custom (the stages below)"),
                ParamSpec.ofString("stages", String.join(",", STANDARD), "with version custom: comma-separated stages "
                        + "from " + new TreeSet<>(STREAMS.keySet())),
                ParamSpec.ofInt("steps", 100, "APGD and FAB iterations (per restart and target)"),
                ParamSpec.ofInt("restarts", 1, "APGD and FAB restarts"),
                ParamSpec.ofInt("targets", 9, "APGD-T and FAB-T target classes (0 skips them)"),
                ParamSpec.ofInt("target_rows", TARGET_ROWS, "APGD-T attacks several targets at once when few points are "
                        + "left, up to this many rows a run (1: one target at a time, as the original)"),
                ParamSpec.ofInt("queries", 5000, "Square query budget per sample (0 skips Square)"),
                ParamSpec.ofDouble("p_init", 0.8, "Square's initial window fraction"));
    }

    @Override
    public Set<Norm> norms() {
        return Set.of(Norm.LINF, Norm.L2);
    }

    /**
     * Reliable (the board ranks by it) when it runs the standard version at the original's budgets or
     * above: 100 steps, 1 restart, 9 targets, 5,000 Square queries. Fewer targets than the model has
     * other classes are fine (the original caps them the same way).
     */
    @Override
    public boolean isReliable(Hyperparameters params) {
        return params.getString("version").equals("standard") && params.getInt("steps") >= 100
                && params.getInt("restarts") >= 1 && params.getInt("targets") >= 9 && params.getInt("queries") >= 5000;
    }

    /**
     * The stages that cannot run as the original runs them on {@code model}: on a logits-only model every
     * gradient stage (only Square runs); APGD-DLR below 3 classes and APGD-T below 4 (the DLR losses read
     * the third and fourth largest logits); APGD-T and FAB-T with fewer targets than asked for when the
     * model has fewer other classes.
     */
    @Override
    public List<String> shortfalls(Hyperparameters params, Classifier model) {
        List<String> stages = stages(params);
        int classes = model.numClasses();
        List<String> out = new java.util.ArrayList<>();
        if (!model.isDifferentiable()) {
            out.add("the model gives logits only, so only Square ran of " + String.join(", ", stages));
            return out;
        }
        if (stages.contains("apgd-dlr") && classes < 3) {
            out.add("APGD-DLR needs at least 3 classes and the model has " + classes + ", so it was skipped");
        }
        int targets = params.getInt("targets");
        if (stages.contains("apgd-t") && targets > 0 && classes < 4) {
            out.add("APGD-T needs at least 4 classes and the model has " + classes + ", so it was skipped");
        } else if ((stages.contains("apgd-t") || stages.contains("fab-t")) && targets > classes - 1) {
            out.add("APGD-T and FAB-T ran " + (classes - 1) + " target classes of the " + targets + " asked for (the model has "
                    + classes + " classes)");
        }
        return out;
    }

    /** The stages {@code params} asks for; an error names the bad version or stage and what is allowed. */
    public static List<String> stages(Hyperparameters params) {
        String version = params.getString("version");
        String listed = params.getString("stages");
        List<String> stages = Arrays.stream(listed.split(",")).map(String::trim).toList();
        if (version.equals("standard")) {
            if (!stages.equals(STANDARD)) {
                throw new IllegalArgumentException("autoattack: 'stages' is read only with version: custom (version "
                        + "standard runs " + STANDARD + "), found stages '" + listed + "'");
            }
            return STANDARD;
        }
        if (!version.equals("custom")) {
            throw new IllegalArgumentException("autoattack: unknown version '" + version + "'; allowed: standard, custom");
        }
        for (String stage : stages) {
            if (!STREAMS.containsKey(stage)) {
                throw new IllegalArgumentException("autoattack: unknown stage '" + stage + "' in stages '" + listed
                        + "'; allowed: " + new TreeSet<>(STREAMS.keySet()));
            }
        }
        if (new HashSet<>(stages).size() != stages.size()) {
            throw new IllegalArgumentException("autoattack: stages '" + listed + "' names a stage twice");
        }
        return stages;
    }

    @Override
    protected NDArray perturb(
            Classifier model, NDArray x, NDArray labels, Norm norm, double eps, Hyperparameters params, Random random) {
        return perturb(model, x, labels, norm, eps, params, random, new java.util.ArrayList<>());
    }

    /** As the ensemble above, adding each stage's robust count and time to {@code outcomes} ({@link StageClock}). */
    @Override
    protected NDArray perturb(Classifier model, NDArray x, NDArray labels, Norm norm, double eps, Hyperparameters params,
            Random random, List<StageOutcome> outcomes) {
        StageClock clock = new StageClock(model, labels, eps, outcomes);
        List<String> stages = stages(params);
        if (params.getInt("targets") < 0 || params.getInt("queries") < 0 || params.getInt("target_rows") < 1) {
            throw new IllegalArgumentException("autoattack: 'targets' and 'queries' must be >= 0 and 'target_rows' >= 1, "
                    + "found " + params);
        }
        NDArray adversarial = x.duplicate();
        // a leading APGD-CE runs on every point with the stream an apgd-ce entry with this seed and these
        // settings would draw from, so the ensemble is never weaker than that entry on any point
        boolean leadingCe = stages.get(0).equals("apgd-ce") && model.isDifferentiable();
        if (leadingCe) {
            adversarial = Apgd.attack(model, x, labels, norm, eps, apgd(params, Apgd.Loss.CE), random);
            clock.mark(stages.get(0), adversarial);
        }
        long base = random.nextLong();
        for (String stage : leadingCe ? stages.subList(1, stages.size()) : stages) {
            Random stream = new Random(base + STREAMS.get(stage));
            adversarial = onRobust(model, x, labels, adversarial, sub -> stage(stage, model, sub, norm, eps, params, stream));
            clock.mark(stage, adversarial);
        }
        return adversarial;
    }

    /** One stage on the points still robust; null when it does not apply (skipped by its budget or the model). */
    private static NDArray stage(String stage, Classifier model, Subset sub, Norm norm, double eps, Hyperparameters params,
            Random stream) {
        int targets = params.getInt("targets");
        if (stage.equals("square")) {
            int queries = params.getInt("queries");
            Square square = new Square();
            Hyperparameters squareParams = Hyperparameters.resolve("attack 'square'", square.parameters(),
                    Map.of("queries", Math.max(queries, 1), "p_init", params.getDouble("p_init"), "rescale_schedule", false));
            return queries == 0 ? null : square.perturb(model, sub.x(), sub.y(), norm, eps, squareParams, stream);
        }
        if (!model.isDifferentiable()) {
            return null;
        }
        return switch (stage) {
            case "apgd-ce" -> Apgd.attack(model, sub.x(), sub.y(), norm, eps, apgd(params, Apgd.Loss.CE), stream);
            case "apgd-dlr" -> model.numClasses() < 3 ? null
                    : Apgd.attack(model, sub.x(), sub.y(), norm, eps, apgd(params, Apgd.Loss.DLR), stream);
            case "apgd-t" -> targets == 0 || model.numClasses() < 4 ? null
                    : Apgd.attack(model, sub.x(), sub.y(), norm, eps, apgd(params, Apgd.Loss.DLR_TARGETED), stream);
            case "fab" -> Fab.attack(model, sub.x(), sub.y(), norm, fab(params, 0), eps, stream);
            case "fab-t" -> targets == 0 ? null : Fab.attack(model, sub.x(), sub.y(), norm, fab(params, targets), eps, stream);
            default -> throw new IllegalStateException("unhandled stage " + stage);
        };
    }

    private static Apgd.Settings apgd(Hyperparameters params, Apgd.Loss loss) {
        return new Apgd.Settings(params.getInt("steps"), params.getInt("restarts"), loss,
                loss == Apgd.Loss.DLR_TARGETED ? params.getInt("targets") : 0, 0.75, 0.75, params.getInt("target_rows"));
    }

    /** FAB with the original's alpha_max, eta and beta. */
    private static Fab.Settings fab(Hyperparameters params, int targets) {
        return new Fab.Settings(params.getInt("steps"), params.getInt("restarts"), targets, 0.1, 1.05, 0.9);
    }

    /** The clean inputs and labels of the points still robust. */
    private record Subset(NDArray x, NDArray y) {}

    /** Runs {@code stage} on the points {@code adversarial} does not yet break, keeping what it breaks. */
    private static NDArray onRobust(Classifier model, NDArray x, NDArray labels, NDArray adversarial,
            java.util.function.Function<Subset, NDArray> stage) {
        int[] robust = Batches.where(Checks.misclassified(model, adversarial, labels), false);
        if (robust.length == 0) {
            return adversarial;
        }
        NDArray ys = Batches.rows(labels, robust);
        NDArray found = stage.apply(new Subset(Batches.rows(x, robust), ys));
        if (found == null) {
            return adversarial;
        }
        boolean[] broke = Checks.misclassified(model, found, ys);
        int[] keep = java.util.Arrays.stream(Batches.where(broke, true)).map(i -> robust[i]).toArray();
        int[] keepLocal = Batches.where(broke, true);
        return Batches.withRows(adversarial, keep, Batches.rows(found, keepLocal));
    }
}
