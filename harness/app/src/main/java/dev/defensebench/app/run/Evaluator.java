package dev.defensebench.app.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.app.config.ResolvedAttack;
import dev.defensebench.app.config.ResolvedCertifier;
import dev.defensebench.adaptive.TransformProbe;
import dev.defensebench.adaptive.TransformedClassifier;
import dev.defensebench.files.Json;
import dev.defensebench.report.ResultRow;
import dev.defensebench.report.SanityCheck;
import dev.defensebench.report.WilsonInterval;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Certifier;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Examples;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.NotCertifiableException;
import dev.defensebench.spi.ProgressListener;
import dev.defensebench.spi.ThreatModel;
import dev.defensebench.train.Losses;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores one model on the fixed test subset: clean accuracy, then every attack of the suite in
 * batches, one result row per attack × ε (min-norm attacks thresholded at every ε of their grid), the
 * per-point worst case over the attacks of each norm at every ε of their grids, and the sanity checks
 * (which may run an entry once more: without a budget, and with twice its steps). Attacks that need
 * gradients are skipped on a model that gives logits only (see {@link #applies}); {@link #evaluateTransfer}
 * scores such a model on examples crafted on a surrogate. A model behind a defense's input transform is
 * probed and its fixed-ε gradient attacks rerun with BPDA and/or EOT ({@link AdaptiveAttacks}).
 */
public final class Evaluator {

    private static final Logger LOG = LoggerFactory.getLogger(Evaluator.class);

    /** What does not change from row to row: who is scored and under which identity. */
    public record Subject(String experiment, String model, String defense, String architecture, String dataset,
            String preprocessing, long seed, String cellHash, double trainSeconds) {

        /** A builder of this subject's rows, its identity and training time filled in. */
        ResultRow.Builder row() {
            return ResultRow.builder().experiment(experiment).model(model).defense(defense).architecture(architecture)
                    .dataset(dataset).preprocessing(preprocessing).seed(seed).cellHash(cellHash).trainSeconds(trainSeconds);
        }
    }

    private final int batchSize;
    private final ProgressListener progress;
    private final GalleryRecorder gallery;

    /** One short summary per attack run of the current evaluation, logged together as one line. */
    private final List<String> stages = new ArrayList<>();

    /** An evaluator scoring {@code batchSize} test images at a time, reporting its progress to {@code progress}. */
    public Evaluator(int batchSize, ProgressListener progress) {
        this(batchSize, progress, new GalleryRecorder(0));
    }

    /** An evaluator that also hands a few adversarial examples per attack to {@code gallery}. */
    public Evaluator(int batchSize, ProgressListener progress, GalleryRecorder gallery) {
        this.batchSize = batchSize;
        this.progress = progress;
        this.gallery = gallery;
    }

    /** The rows and sanity checks of {@code model} on {@code test}, without certifiers. */
    public Evaluation evaluate(Subject subject, Classifier model, NDManager manager, Examples test,
            List<ResolvedAttack> attacks) {
        return evaluate(subject, model, manager, test, attacks, List.of());
    }

    /**
     * The rows and sanity checks of {@code model} on {@code test}: the attacks, then the certifiers (rows
     * of kind certified) and, with certifiers, the certified-versus-attacked cross-check.
     */
    public Evaluation evaluate(Subject subject, Classifier model, NDManager manager, Examples test,
            List<ResolvedAttack> attacks, List<ResolvedCertifier> certifiers) {
        int n = test.size();
        stages.clear();
        boolean[] cleanCorrect = new boolean[n];
        double[] gradientSize = new double[n];
        OutputProbe[] probe = new OutputProbe[1];
        TransformProbe[] transformProbe = new TransformProbe[1];
        forEachBatch(manager, test, (x, y, from) -> {
            if (from == 0) {
                probe[0] = OutputProbe.of(model, x);
                transformProbe[0] = model instanceof TransformedClassifier ? TransformProbe.of(model, x, y) : null;
            }
            long[] predicted = model.predict(x).toLongArray();
            for (int i = 0; i < predicted.length; i++) {
                cleanCorrect[from + i] = predicted[i] == test.labels()[from + i];
            }
            if (model.isDifferentiable()) {
                NDArray g = model.inputGradient(x, logits -> Losses.margin(logits, y).sum());
                double[] size = g.reshape(predicted.length, -1).abs().sum(new int[] {1})
                        .toType(DataType.FLOAT64, false).toDoubleArray();
                System.arraycopy(size, 0, gradientSize, from, size.length);
            }
        });
        int correct = count(cleanCorrect, true);
        double clean = (double) correct / n;
        List<ResultRow> rows = new ArrayList<>();
        WilsonInterval cleanCi = WilsonInterval.of(correct, n);
        String access = model.isDifferentiable() ? ResultRow.WHITE_BOX : ResultRow.BLACK_BOX;
        rows.add(subject.row().attack(ResultRow.CLEAN_ATTACK).attackLabel("clean").attackTraits("").norm("none").epsilon(0)
                .samples(n).cleanAccuracy(clean).robustAccuracy(clean).robustCi(cleanCi).attackSeconds(0).attackParams("{}")
                .access(access).build());
        List<AttackOutcome> outcomes = new ArrayList<>();
        List<ResolvedAttack> applied = new ArrayList<>();
        List<StageRow> ensembleStages = new ArrayList<>();
        List<AttackOutcome> reliable = new ArrayList<>();
        List<String> shortfalls = new ArrayList<>();
        AdaptiveAttacks adaptive = transformProbe[0] == null ? null
                : AdaptiveAttacks.of((TransformedClassifier) model, transformProbe[0]);
        for (ResolvedAttack entry : attacks) {
            Attack attack = entry.attack();
            if (!applies(attack, model)) {
                LOG.warn("{}: skipping attack '{}': it needs input gradients and this model gives logits only (black box)",
                        subject.model(), attack.name());
                continue;
            }
            applied.add(entry);
            Run run = runAttack(subject, model, manager, test, entry, "");
            if (adaptive != null && run.reliable()) {
                // the transform hides gradients or draws at random: a plain run does not decide, and the adaptive
                // reruns are not the reliable evaluation's standard version
                run = run.notReliable(attack.traits().displayName() + " " + entry.entry().norm() + ": the model transforms its"
                        + " input (" + adaptive.label() + " needed), so a plain run does not decide its robustness");
            }
            outcomes.add(run.outcome());
            if (run.reliable()) {
                reliable.add(run.outcome());
            }
            shortfalls.addAll(run.shortfalls());
            ensembleStages.addAll(run.stages());
            rows.addAll(rows(subject, run, clean, access));
        }
        List<AttackOutcome> adaptiveRuns = adaptive == null ? List.of()
                : adaptiveRuns(subject, adaptive, manager, test, applied, clean, access, rows);

        List<AttackOutcome> folded = new ArrayList<>(outcomes);
        folded.addAll(adaptiveRuns);
        for (WorstCase.Point p : WorstCase.of(folded, cleanCorrect)) {
            String params = json(Map.of("attacks", p.attacks()));
            String flags = WorstCase.reliableAt(p, reliable) ? AttackTraits.RELIABLE_FLAG : "";
            rows.add(subject.row().attack(WorstCase.ATTACK).attackLabel("worst case").attackTraits(flags)
                    .norm(p.norm().label()).epsilon(p.epsilon()).samples(n).cleanAccuracy(clean)
                    .robustAccuracy(p.robustAccuracy()).robustCi(WilsonInterval.of(p.robustCount(), n))
                    .attackSeconds(p.seconds()).attackParams(params).access(access).build());
        }
        double badGradients = Double.NaN;
        if (model.isDifferentiable()) {
            int bad = 0;
            for (double g : gradientSize) {
                if (!(g > 0) || Double.isInfinite(g)) {
                    bad++;
                }
            }
            badGradients = (double) bad / n;
        }
        List<CertifiedOutcome> certified = certify(subject, model, manager, test, certifiers);
        for (CertifiedOutcome o : certified) {
            rows.addAll(CertifierRun.rows(subject, o, labels(test), clean, access));
        }
        SanityChecks.Evidence evidence = new SanityChecks.Evidence(cleanCorrect, outcomes, badGradients, probe[0],
                unbounded(subject, model, manager, test, applied, outcomes, cleanCorrect),
                doubled(subject, model, manager, test, applied, outcomes), reliable, shortfalls);
        // the min-norm attacks' median distance over the correctly classified points (+Inf: none found)
        String medians = String.join(", ", outcomes.stream().filter(AttackOutcome::isMinNorm).map(o -> String.format(
                Locale.ROOT, "%s %s %.4g", o.attack(), o.norm().label(), o.medianDistance(cleanCorrect))).toList());
        LOG.info(String.format(Locale.ROOT, "%s scored: clean %.2f%%; %s%s", subject.model(), 100 * clean,
                String.join(", ", stages), medians.isEmpty() ? "" : "; median distance: " + medians));
        List<SanityCheck> sanity = new ArrayList<>(SanityChecks.evaluate(subject.model(), evidence));
        if (transformProbe[0] != null) {
            sanity.add(AdaptiveAttacks.check(subject.model(), transformProbe[0], adaptive, outcomes, adaptiveRuns, cleanCorrect));
        }
        if (!certifiers.isEmpty()) {
            sanity.add(CertifiedCrossCheck.evaluate(subject.model(), certified, outcomes, labels(test), cleanCorrect));
        }
        return new Evaluation(rows, sanity, ensembleStages);
    }

    /**
     * Runs every fixed-ε gradient attack of {@code applied} again against {@code adaptive}'s classifier (BPDA,
     * EOT), adding its rows (attack id and display name marked, e.g. "pgd+bpda", "PGD (BPDA)") to {@code rows};
     * returns the outcomes for the worst case.
     */
    private List<AttackOutcome> adaptiveRuns(Subject subject, AdaptiveAttacks adaptive, NDManager manager, Examples test,
            List<ResolvedAttack> applied, double clean, String access, List<ResultRow> rows) {
        LOG.info("{}: {}; running the gradient attacks again with {}", subject.model(), adaptive.probe().describe(),
                adaptive.label());
        List<AttackOutcome> runs = new ArrayList<>();
        for (ResolvedAttack entry : applied) {
            if (!AdaptiveAttacks.adapts(entry.traits())) {
                continue;
            }
            Run run = runAttack(subject, adaptive.classifier(), manager, test, entry,
                    " (" + adaptive.label() + ")");
            AttackOutcome renamed = adaptive.renamed(run.outcome());
            runs.add(renamed);
            rows.addAll(rows(subject, new Run(renamed, withAdaptive(run.paramsJson(), adaptive.label()), run.rho2(),
                    run.stages(), false, run.shortfalls()), clean, access));
        }
        return runs;
    }

    /** Every certifier entry's result; a certifier that cannot certify this model is skipped with a warning. */
    private List<CertifiedOutcome> certify(Subject subject, Classifier model, NDManager manager, Examples test,
            List<ResolvedCertifier> certifiers) {
        List<CertifiedOutcome> out = new ArrayList<>();
        for (ResolvedCertifier entry : certifiers) {
            Certifier certifier = entry.certifier();
            try {
                CertifiedOutcome o = CertifierRun.run(entry, model, manager, test);
                stages.add(String.format(Locale.ROOT, "%s %.1f s", o.certifier(), o.seconds()));
                out.add(o);
            } catch (NotCertifiableException e) {
                LOG.warn("{}: skipping certifier '{}': {}", subject.model(), certifier.name(), e.getMessage());
            }
        }
        return out;
    }

    private static long[] labels(Examples test) {
        long[] labels = new long[test.size()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = test.labels()[i];
        }
        return labels;
    }

    /** Whether {@code attack} can run on {@code model}: gradient attacks need a differentiable model. */
    public static boolean applies(Attack attack, Classifier model) {
        return model.isDifferentiable() || !attack.traits().needsGradients();
    }

    /**
     * Transfer rows: every gradient attack of {@code attacks} crafts its examples on {@code surrogate}
     * (identified as {@code surrogateId} in the rows' attack_params), and {@code target} is scored on
     * them. A point the target misclassifies cleanly counts as broken at every ε. The attack column reads
     * "transfer-&lt;attack&gt;", the access column "transfer".
     */
    public List<ResultRow> evaluateTransfer(Subject subject, Classifier target, Classifier surrogate, String surrogateId,
            NDManager manager, Examples test, List<ResolvedAttack> attacks) {
        int n = test.size();
        boolean[] cleanWrong = new boolean[n];
        forEachBatch(manager, test, (x, y, from) -> {
            long[] predicted = target.predict(x).toLongArray();
            for (int i = 0; i < predicted.length; i++) {
                cleanWrong[from + i] = predicted[i] != test.labels()[from + i];
            }
        });
        double clean = (double) count(cleanWrong, false) / n;
        List<ResultRow> rows = new ArrayList<>();
        for (ResolvedAttack entry : attacks) {
            Attack attack = entry.attack();
            if (!attack.traits().needsGradients()) {
                continue; // score-based attacks run on the target itself
            }
            Hyperparameters params = entry.params();
            ThreatModel threat = entry.threat();
            int grid = threat.epsilons().size();
            boolean[][] broken = new boolean[grid][n];
            String label = "transfer-" + attack.name();
            progress.start(subject.model() + " " + label, (n + batchSize - 1) / batchSize);
            long start = System.nanoTime();
            forEachBatch(manager, test, (x, y, from) -> {
                AttackResult r = attack.run(surrogate, x, y, threat, params, entry.seed() * 7919 + from);
                for (int e = 0; e < grid; e++) {
                    NDArray adversarial = r.outcomes().get(e).adversarial();
                    boolean[] admissible = AttackClaims.admissible(x, adversarial, target.box(), threat.norm(),
                            threat.epsilons().get(e));
                    long[] predicted = target.predict(adversarial).toLongArray();
                    for (int i = 0; i < predicted.length; i++) {
                        broken[e][from + i] = cleanWrong[from + i]
                                || admissible[i] && predicted[i] != test.labels()[from + i];
                    }
                }
                progress.advance(1, "");
            });
            double seconds = (System.nanoTime() - start) / 1e9;
            progress.finish(String.format(Locale.ROOT, "%s %s from %s: %.1f s", subject.model(), label, surrogateId, seconds));
            Map<String, Object> recorded = new TreeMap<>(params.asMap());
            recorded.put("seed", entry.seed());
            recorded.put("norm", threat.norm().label());
            recorded.put("surrogate", surrogateId);
            String paramsJson = json(recorded);
            for (int e = 0; e < grid; e++) {
                int robust = count(broken[e], false);
                rows.add(subject.row().attack(label).attackLabel(attack.traits().displayName() + " (transfer)")
                        .attackTraits("").norm(threat.norm().label()).epsilon(threat.epsilons().get(e)).samples(n)
                        .cleanAccuracy(clean).robustAccuracy((double) robust / n).robustCi(WilsonInterval.of(robust, n))
                        .attackSeconds(seconds).attackParams(paramsJson).access(ResultRow.TRANSFER)
                        .attackImagesPerSecond((double) n * grid / Math.max(seconds, 1e-9)).build());
            }
        }
        return rows;
    }

    /** An attack run: its per-sample outcome, resolved parameters (as recorded) and mean ρ2. */
    private record Run(AttackOutcome outcome, String paramsJson, double rho2, List<StageRow> stages, boolean reliable,
            List<String> shortfalls) {

        /** This run, not reliable for {@code reason}. */
        Run notReliable(String reason) {
            List<String> more = new ArrayList<>(shortfalls);
            more.add(reason);
            return new Run(outcome, paramsJson, rho2, stages, false, more);
        }
    }

    /**
     * Runs one attack entry over the test set; {@code purpose} follows the attack's name in the progress
     * line and the summary (empty for the suite's own runs, for example " (sanity check: 20 steps)").
     */
    private Run runAttack(Subject subject, Classifier model, NDManager manager, Examples test, ResolvedAttack entry,
            String purpose) {
        Attack attack = entry.attack();
        AttackTraits traits = attack.traits();
        Hyperparameters params = entry.params();
        ThreatModel threat = entry.threat();
        int n = test.size();
        int grid = threat.epsilons().size();
        boolean[][] success = new boolean[grid][n];
        float[] distances = traits.minNorm() ? new float[n] : null;
        double[] relative = new double[n];
        boolean[] hasRelative = new boolean[n];
        int[] claims = new int[2];
        progress.start(subject.model() + " " + attack.name() + purpose, (n + batchSize - 1) / batchSize);
        long start = System.nanoTime();
        StageTotals stageTotals = new StageTotals();
        forEachBatch(manager, test, (x, y, from) -> {
            AttackResult r = attack.runAt(model, x, y, from, threat, params, entry.seed() * 7919 + from);
            stageTotals.add(r.stages());
            if (from == 0) { // gallery: a few examples of the first batch (see GalleryRecorder)
                gallery.record(subject.model(), attack.name(), threat.norm(), model, x,
                        java.util.Arrays.copyOf(test.labels(), (int) x.getShape().get(0)), r);
            }
            if (traits.minNorm() != r.hasDistances()) {
                throw new IllegalStateException(attack.name() + ": declares min-norm " + traits.minNorm()
                        + " but returned " + (r.hasDistances() ? "" : "no ") + "distances");
            }
            AttackClaims.Verified v = AttackClaims.verify(model, x, y, r, threat.epsilons());
            for (int e = 0; e < grid; e++) {
                System.arraycopy(v.broken()[e], 0, success[e], from, v.broken()[e].length);
            }
            if (v.distances() != null) {
                for (int i = 0; i < v.distances().length; i++) {
                    float d = v.distances()[i];
                    distances[from + i] = d;
                    hasRelative[from + i] = Float.isFinite(d) && v.inputNorms()[i] > 0;
                    relative[from + i] = hasRelative[from + i] ? d / v.inputNorms()[i] : Double.NaN;
                }
            }
            claims[0] += v.claims();
            claims[1] += v.rejected();
            progress.advance(1, "");
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        // rho2 is an L2 quantity: ‖Δx‖₂/‖x‖₂ of an L2 min-norm attack
        double rho2 = traits.minNorm() && threat.norm() == Norm.L2 ? mean(relative, hasRelative) : Double.NaN;
        double images = traits.minNorm() ? n : (double) n * grid;
        progress.finish("");
        stages.add(String.format(Locale.ROOT, "%s%s %.1f s (%.0f img/s%s%s)", attack.name(), purpose, seconds,
                images / Math.max(seconds, 1e-9), Double.isNaN(rho2) ? "" : String.format(Locale.ROOT, ", rho2 %.4g", rho2),
                claims[1] == 0 ? "" : ", " + claims[1] + " false claims rejected"));
        Map<String, Object> recorded = new TreeMap<>(params.asMap());
        recorded.put("seed", entry.seed());
        recorded.put("norm", threat.norm().label());
        AttackOutcome outcome = new AttackOutcome(attack.name(), traits, threat.norm(), threat.epsilons(), success,
                distances, seconds, claims[0], claims[1]);
        List<StageRow> stageRows = stageTotals.rows(attack.name(), threat.norm().label(), n);
        for (StageRow row : stageRows) {
            LOG.info(String.format(Locale.ROOT, "%s %s %s eps %.4g: after %s robust accuracy %.2f%%, %.1f s", subject.model(),
                    attack.name(), row.norm(), row.epsilon(), row.stage(), 100 * row.robustAccuracy(), row.seconds()));
        }
        List<String> shortfalls = attack.shortfalls(params, model).stream()
                .map(s -> attack.traits().displayName() + " " + threat.norm().label() + ": " + s).toList();
        boolean reliable = model.isDifferentiable() && attack.isReliable(params) && shortfalls.isEmpty();
        return new Run(outcome, json(recorded), rho2, stageRows, reliable, shortfalls);
    }

    private static List<ResultRow> rows(Subject subject, Run run, double clean, String access) {
        AttackOutcome o = run.outcome();
        int n = o.samples();
        double images = o.traits().minNorm() ? n : (double) n * o.epsilons().size();
        double throughput = images / Math.max(o.seconds(), 1e-9);
        List<ResultRow> rows = new ArrayList<>();
        for (int e = 0; e < o.epsilons().size(); e++) {
            int robust = count(o.success()[e], false);
            String flags = run.reliable() ? o.traits().flags() + " " + AttackTraits.RELIABLE_FLAG : o.traits().flags();
            rows.add(subject.row().attack(o.attack()).attackLabel(o.traits().displayName()).attackTraits(flags)
                    .norm(o.norm().label()).epsilon(o.epsilons().get(e)).samples(n).cleanAccuracy(clean)
                    .robustAccuracy((double) robust / n).robustCi(WilsonInterval.of(robust, n)).rho2(run.rho2())
                    .attackSeconds(o.seconds()).attackParams(run.paramsJson()).access(access).attackImagesPerSecond(throughput)
                    .build());
        }
        return rows;
    }

    /**
     * The accuracy an attack leaves without a budget: from the min-norm attacks' distances when the
     * suite has any (a point survives when none found an adversarial example), else by running one
     * fixed-ε entry (an iterative gradient attack when there is one) once more at the diameter of the
     * input box in its norm.
     */
    private SanityChecks.Unbounded unbounded(Subject subject, Classifier model, NDManager manager, Examples test,
            List<ResolvedAttack> attacks, List<AttackOutcome> outcomes, boolean[] cleanCorrect) {
        List<AttackOutcome> minNorm = outcomes.stream().filter(AttackOutcome::isMinNorm).toList();
        if (!minNorm.isEmpty()) {
            int robust = 0;
            for (int i = 0; i < cleanCorrect.length; i++) {
                boolean survives = cleanCorrect[i];
                for (AttackOutcome o : minNorm) {
                    survives &= !Float.isFinite(o.distances()[i]);
                }
                robust += survives ? 1 : 0;
            }
            String names = String.join(", ", minNorm.stream().map(o -> o.attack() + " " + o.norm().label()).toList());
            return new SanityChecks.Unbounded(names, (double) robust / cleanCorrect.length);
        }
        ResolvedAttack entry = preferred(attacks, Evaluator::unboundedRank);
        if (entry != null) {
            Norm norm = entry.norm();
            double diameter = diameter(model.box(), norm);
            Run run = runAttack(subject, model, manager, test, entry.withEpsilons(List.of(diameter)),
                    " (sanity check: unbounded)");
            return new SanityChecks.Unbounded(String.format(Locale.ROOT, "%s %s at eps=%.4g (the input box's diameter)",
                    entry.name(), norm.label(), diameter), run.outcome().robustAccuracy(0));
        }
        return null;
    }

    /**
     * Which entry runs without a budget when the suite has no min-norm attack, by declared traits: an
     * iterative gradient attack first, then an iterative ensemble, then any other but random noise and
     * precomputed examples (-1: never).
     */
    private static int unboundedRank(AttackTraits t) {
        if (t.access() == AttackTraits.Access.RANDOM || t.access() == AttackTraits.Access.PRECOMPUTED) {
            return -1;
        }
        return t.isIterative() && t.access() == AttackTraits.Access.GRADIENT ? 0
                : t.isIterative() && t.access() == AttackTraits.Access.ENSEMBLE ? 1 : 2;
    }

    /**
     * Which entry runs again with twice its step budget: an iterative fixed-ε gradient attack first, then
     * any attack that declares a step parameter (-1: never).
     */
    private static int doubledRank(AttackTraits t) {
        if (!t.isIterative()) {
            return -1;
        }
        return !t.minNorm() && t.access() == AttackTraits.Access.GRADIENT ? 0 : 1;
    }

    /** The first entry of the lowest non-negative {@code rank}, or null. */
    private static ResolvedAttack preferred(List<ResolvedAttack> attacks, java.util.function.ToIntFunction<AttackTraits> rank) {
        ResolvedAttack best = null;
        int bestRank = Integer.MAX_VALUE;
        for (ResolvedAttack candidate : attacks) {
            int r = rank.applyAsInt(candidate.traits());
            if (r >= 0 && r < bestRank) {
                best = candidate;
                bestRank = r;
            }
        }
        return best;
    }

    /** The entry {@link #doubledRank} prefers, run again with its declared step parameter doubled. */
    private SanityChecks.Doubled doubled(Subject subject, Classifier model, NDManager manager, Examples test,
            List<ResolvedAttack> attacks, List<AttackOutcome> outcomes) {
        ResolvedAttack entry = preferred(attacks, Evaluator::doubledRank);
        if (entry == null) {
            return null;
        }
        String stepParameter = entry.traits().stepParameter();
        int steps = entry.params().getInt(stepParameter);
        Run run = runAttack(subject, model, manager, test, entry.withParameter(stepParameter, 2 * steps),
                " (sanity check: " + stepParameter + " " + 2 * steps + ")");
        return new SanityChecks.Doubled(outcomes.get(attacks.indexOf(entry)), run.outcome(), stepParameter, steps);
    }

    /** The largest distance between two points of {@code box} in {@code norm}. */
    static double diameter(InputBox box, Norm norm) {
        double max = 0;
        double sq = 0;
        for (int i = 0; i < box.lower().length; i++) {
            double d = (double) box.upper()[i] - box.lower()[i];
            max = Math.max(max, d);
            sq += d * d;
        }
        return norm == Norm.LINF ? max : Math.sqrt(sq);
    }

    /** Recorded attack parameters with {@code "adaptive": label} added. */
    private static String withAdaptive(String paramsJson, String label) {
        try {
            Map<String, Object> recorded = new TreeMap<>(Json.MAPPER.readValue(paramsJson,
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {}));
            recorded.put("adaptive", label);
            return json(recorded);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @FunctionalInterface
    private interface BatchBody {
        void accept(NDArray x, NDArray y, int from);
    }

    private void forEachBatch(NDManager manager, Examples data, BatchBody body) {
        int per = (int) data.sampleShape().size();
        for (int from = 0; from < data.size(); from += batchSize) {
            int size = Math.min(batchSize, data.size() - from);
            float[] xs = new float[size * per];
            System.arraycopy(data.inputs(), from * per, xs, 0, size * per);
            long[] ys = new long[size];
            for (int i = 0; i < size; i++) {
                ys[i] = data.labels()[from + i];
            }
            try (NDScope scope = new NDScope()) {
                NDArray x = manager.create(xs, new Shape(size).addAll(data.sampleShape()));
                body.accept(x, manager.create(ys), from);
            }
        }
    }

    private static int count(boolean[] values, boolean which) {
        int c = 0;
        for (boolean v : values) {
            if (v == which) {
                c++;
            }
        }
        return c;
    }

    private static double mean(double[] values, boolean[] use) {
        double sum = 0;
        int k = 0;
        for (int i = 0; i < values.length; i++) {
            if (use[i]) {
                sum += values[i];
                k++;
            }
        }
        return k == 0 ? Double.NaN : sum / k;
    }
}
