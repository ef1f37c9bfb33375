package dev.defensebench.app.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.defensebench.app.config.ResolvedAttack;
import dev.defensebench.app.config.ResolvedCertifier;
import dev.defensebench.adaptive.TransformProbe;
import dev.defensebench.adaptive.TransformedClassifier;
import dev.defensebench.report.ResultRow;
import dev.defensebench.report.ResultRowBuilder;
import dev.defensebench.report.SanityCheck;
import dev.defensebench.report.WilsonInterval;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Certifier;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Examples;
import dev.defensebench.spi.NotCertifiableException;
import dev.defensebench.spi.ProgressListener;
import dev.defensebench.train.Losses;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
        ResultRowBuilder row() {
            return ResultRow.builder().experiment(experiment).model(model).defense(defense).architecture(architecture)
                    .dataset(dataset).preprocessing(preprocessing).seed(seed).cellHash(cellHash).trainSeconds(trainSeconds);
        }
    }

    /** What one pass over the clean test subset finds. */
    private record CleanPass(boolean[] correct, double[] gradientSize, OutputProbe probe, TransformProbe transformProbe) {}

    /** What the suite's runs give: outcomes (reliable ones apart), the attacks that applied, stages and shortfalls. */
    private record SuiteRuns(List<AttackOutcome> outcomes, List<ResolvedAttack> applied, List<StageRow> stages,
            List<AttackOutcome> reliable, List<String> shortfalls) {

        SuiteRuns() {
            this(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        }
    }

    private final AttackRunner runner;
    private final TransferAttacks transfer;

    /** An evaluator scoring {@code batchSize} test images at a time, reporting its progress to {@code progress}. */
    public Evaluator(int batchSize, ProgressListener progress) {
        this(batchSize, progress, new GalleryRecorder(0));
    }

    /** An evaluator that also hands a few adversarial examples per attack to {@code gallery}. */
    public Evaluator(int batchSize, ProgressListener progress, GalleryRecorder gallery) {
        this.runner = new AttackRunner(batchSize, progress, gallery);
        this.transfer = new TransferAttacks(batchSize, progress);
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
        runner.summaries(true);
        CleanPass pass = cleanPass(model, manager, test);
        int correct = TestBatches.count(pass.correct(), true);
        double clean = (double) correct / n;
        String access = model.isDifferentiable() ? ResultRow.WHITE_BOX : ResultRow.BLACK_BOX;
        List<ResultRow> rows = new ArrayList<>();
        rows.add(subject.row().attack(ResultRow.CLEAN_ATTACK).attackLabel("clean").attackTraits("").norm("none").epsilon(0)
                .samples(n).cleanAccuracy(clean).robustAccuracy(clean).robustCi(WilsonInterval.of(correct, n))
                .attackSeconds(0).attackParams("{}").access(access).build());
        AdaptiveAttacks adaptive = pass.transformProbe() == null ? null
                : AdaptiveAttacks.of((TransformedClassifier) model, pass.transformProbe());
        SuiteRuns suite = runSuite(subject, model, manager, test, attacks, adaptive, clean, access, rows);
        List<AttackOutcome> adaptiveRuns = adaptive == null ? List.of()
                : adaptiveRuns(subject, adaptive, manager, test, suite.applied(), clean, access, rows);
        List<AttackOutcome> folded = new ArrayList<>(suite.outcomes());
        folded.addAll(adaptiveRuns);
        rows.addAll(worstCaseRows(subject, folded, suite.reliable(), pass.correct(), clean, access));
        List<CertifiedOutcome> certified = certify(subject, model, manager, test, certifiers);
        for (CertifiedOutcome o : certified) {
            rows.addAll(CertifierRun.rows(subject, o, TestBatches.labels(test), clean, access));
        }
        SanityChecks.Evidence evidence = new SanityChecks.Evidence(pass.correct(), suite.outcomes(),
                badGradients(model, pass.gradientSize()), pass.probe(),
                SanityReruns.unbounded(runner, subject, model, manager, test, suite.applied(), suite.outcomes(), pass.correct()),
                SanityReruns.doubled(runner, subject, model, manager, test, suite.applied(), suite.outcomes()),
                suite.reliable(), suite.shortfalls());
        logSummary(subject, clean, suite.outcomes(), pass.correct());
        List<SanityCheck> sanity = new ArrayList<>(SanityChecks.evaluate(subject.model(), evidence));
        if (pass.transformProbe() != null) {
            sanity.add(AdaptiveAttacks.check(subject.model(), pass.transformProbe(), adaptive, suite.outcomes(), adaptiveRuns,
                    pass.correct()));
        }
        if (!certifiers.isEmpty()) {
            sanity.add(CertifiedCrossCheck.evaluate(subject.model(), certified, suite.outcomes(), TestBatches.labels(test),
                    pass.correct()));
        }
        return new Evaluation(rows, sanity, suite.stages());
    }

    /** One pass over the clean test subset: which points are correct, the input-gradient sizes and the probes. */
    private CleanPass cleanPass(Classifier model, NDManager manager, Examples test) {
        int n = test.size();
        boolean[] cleanCorrect = new boolean[n];
        double[] gradientSize = new double[n];
        OutputProbe[] probe = new OutputProbe[1];
        TransformProbe[] transformProbe = new TransformProbe[1];
        TestBatches.forEach(manager, test, runner.batchSize(), (x, y, from) -> {
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
        return new CleanPass(cleanCorrect, gradientSize, probe[0], transformProbe[0]);
    }

    /** Runs every attack of the suite that applies to {@code model}, adding their rows to {@code rows}. */
    private SuiteRuns runSuite(Subject subject, Classifier model, NDManager manager, Examples test,
            List<ResolvedAttack> attacks, AdaptiveAttacks adaptive, double clean, String access, List<ResultRow> rows) {
        SuiteRuns suite = new SuiteRuns();
        for (ResolvedAttack entry : attacks) {
            Attack attack = entry.attack();
            if (!applies(attack, model)) {
                LOG.warn("{}: skipping attack '{}': it needs input gradients and this model gives logits only (black box)",
                        subject.model(), attack.name());
                continue;
            }
            suite.applied().add(entry);
            AttackRunner.Run run = runner.run(subject, model, manager, test, entry, "");
            if (adaptive != null && run.reliable()) {
                // the transform hides gradients or draws at random: a plain run does not decide, and the adaptive
                // reruns are not the reliable evaluation's standard version
                run = run.notReliable(attack.traits().displayName() + " " + entry.entry().norm() + ": the model transforms its"
                        + " input (" + adaptive.label() + " needed), so a plain run does not decide its robustness");
            }
            suite.outcomes().add(run.outcome());
            if (run.reliable()) {
                suite.reliable().add(run.outcome());
            }
            suite.shortfalls().addAll(run.shortfalls());
            suite.stages().addAll(run.stages());
            rows.addAll(AttackRunner.rows(subject, run, clean, access));
        }
        return suite;
    }

    /** The per-point worst case over the attacks of each norm at every ε of their grids. */
    private static List<ResultRow> worstCaseRows(Subject subject, List<AttackOutcome> folded, List<AttackOutcome> reliable,
            boolean[] cleanCorrect, double clean, String access) {
        int n = cleanCorrect.length;
        List<ResultRow> rows = new ArrayList<>();
        for (WorstCase.Point p : WorstCase.of(folded, cleanCorrect)) {
            String params = AttackRunner.json(Map.of("attacks", p.attacks()));
            String flags = WorstCase.reliableAt(p, reliable) ? AttackTraits.RELIABLE_FLAG : "";
            rows.add(subject.row().attack(WorstCase.ATTACK).attackLabel("worst case").attackTraits(flags)
                    .norm(p.norm().label()).epsilon(p.epsilon()).samples(n).cleanAccuracy(clean)
                    .robustAccuracy(p.robustAccuracy()).robustCi(WilsonInterval.of(p.robustCount(), n))
                    .attackSeconds(p.seconds()).attackParams(params).access(access).build());
        }
        return rows;
    }

    /** The share of points whose input gradient is zero or not finite (NaN for a model without gradients). */
    private static double badGradients(Classifier model, double[] gradientSize) {
        if (!model.isDifferentiable()) {
            return Double.NaN;
        }
        int bad = 0;
        for (double g : gradientSize) {
            if (!(g > 0) || Double.isInfinite(g)) {
                bad++;
            }
        }
        return (double) bad / gradientSize.length;
    }

    /** Logs the evaluation in one line: clean accuracy, each run's summary and the min-norm attacks' medians. */
    private void logSummary(Subject subject, double clean, List<AttackOutcome> outcomes, boolean[] cleanCorrect) {
        // the min-norm attacks' median distance over the correctly classified points (+Inf: none found)
        String medians = String.join(", ", outcomes.stream().filter(AttackOutcome::isMinNorm).map(o -> String.format(
                Locale.ROOT, "%s %s %.4g", o.attack(), o.norm().label(), o.medianDistance(cleanCorrect))).toList());
        LOG.info(String.format(Locale.ROOT, "%s scored: clean %.2f%%; %s%s", subject.model(), 100 * clean,
                String.join(", ", runner.summaries(false)), medians.isEmpty() ? "" : "; median distance: " + medians));
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
            AttackRunner.Run run = runner.run(subject, adaptive.classifier(), manager, test, entry,
                    " (" + adaptive.label() + ")");
            AttackOutcome renamed = adaptive.renamed(run.outcome());
            runs.add(renamed);
            rows.addAll(AttackRunner.rows(subject, new AttackRunner.Run(renamed,
                    AttackRunner.withAdaptive(run.paramsJson(), adaptive.label()), run.rho2(), run.stages(), false,
                    run.shortfalls()), clean, access));
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
                runner.note(String.format(Locale.ROOT, "%s %.1f s", o.certifier(), o.seconds()));
                out.add(o);
            } catch (NotCertifiableException e) {
                LOG.warn("{}: skipping certifier '{}': {}", subject.model(), certifier.name(), e.getMessage());
            }
        }
        return out;
    }

    /** Whether {@code attack} can run on {@code model}: gradient attacks need a differentiable model. */
    public static boolean applies(Attack attack, Classifier model) {
        return model.isDifferentiable() || !attack.traits().needsGradients();
    }

    /** The transfer rows of {@code target} from examples crafted on {@code surrogate}; see {@link TransferAttacks}. */
    public List<ResultRow> evaluateTransfer(Subject subject, Classifier target, Classifier surrogate, String surrogateId,
            NDManager manager, Examples test, List<ResolvedAttack> attacks) {
        return transfer.rows(subject, target, surrogate, surrogateId, manager, test, attacks);
    }
}
