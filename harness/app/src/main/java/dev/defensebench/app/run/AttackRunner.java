package dev.defensebench.app.run;

import ai.djl.ndarray.NDManager;
import dev.defensebench.app.config.ResolvedAttack;
import dev.defensebench.files.Json;
import dev.defensebench.report.ResultRow;
import dev.defensebench.report.WilsonInterval;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Examples;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ProgressListener;
import dev.defensebench.spi.ThreatModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one resolved attack over the test subset in batches: every claim verified ({@link AttackClaims}), a few
 * examples handed to the gallery, the per-point outcome, ρ2 and the reliability verdict; and the rows of a run.
 * Keeps a one-line summary of each run for the evaluation's log line.
 */
final class AttackRunner {

    private static final Logger LOG = LoggerFactory.getLogger(AttackRunner.class);

    /** An attack run: its per-sample outcome, resolved parameters (as recorded) and mean ρ2. */
    record Run(AttackOutcome outcome, String paramsJson, double rho2, List<StageRow> stages, boolean reliable,
            List<String> shortfalls) {

        /** This run, not reliable for {@code reason}. */
        Run notReliable(String reason) {
            List<String> more = new ArrayList<>(shortfalls);
            more.add(reason);
            return new Run(outcome, paramsJson, rho2, stages, false, more);
        }
    }

    /** What the batches of one run add up: per-point success and distances, ρ2 terms, and claims checked. */
    private static final class Tally {
        final boolean[][] success;
        final float[] distances;
        final double[] relative;
        final boolean[] hasRelative;
        int claims;
        int rejected;

        Tally(int grid, int n, boolean minNorm) {
            success = new boolean[grid][n];
            distances = minNorm ? new float[n] : null;
            relative = new double[n];
            hasRelative = new boolean[n];
        }

        void add(int from, AttackClaims.Verified v) {
            for (int e = 0; e < success.length; e++) {
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
            claims += v.claims();
            rejected += v.rejected();
        }
    }

    private final int batchSize;
    private final ProgressListener progress;
    private final GalleryRecorder gallery;
    /** One short summary per run since the last {@link #summaries(boolean)}. */
    private final List<String> stages = new ArrayList<>();

    AttackRunner(int batchSize, ProgressListener progress, GalleryRecorder gallery) {
        this.batchSize = batchSize;
        this.progress = progress;
        this.gallery = gallery;
    }

    /** Adds {@code summary} to the run summaries (a certifier's, for example). */
    void note(String summary) {
        stages.add(summary);
    }

    /** The run summaries so far; with {@code clear}, starts a new list. */
    List<String> summaries(boolean clear) {
        List<String> copy = List.copyOf(stages);
        if (clear) {
            stages.clear();
        }
        return copy;
    }

    /** The test images scored at a time. */
    int batchSize() {
        return batchSize;
    }

    /** Where progress is reported. */
    ProgressListener progress() {
        return progress;
    }

    /**
     * Runs {@code entry} over {@code test} against {@code model}; {@code purpose} follows the attack's name in the
     * progress line and the summary (empty for the suite's own runs, for example " (sanity check: 20 steps)").
     */
    Run run(Evaluator.Subject subject, Classifier model, NDManager manager, Examples test, ResolvedAttack entry,
            String purpose) {
        Attack attack = entry.attack();
        AttackTraits traits = attack.traits();
        ThreatModel threat = entry.threat();
        int n = test.size();
        Tally tally = new Tally(threat.epsilons().size(), n, traits.minNorm());
        progress.start(subject.model() + " " + attack.name() + purpose, (n + batchSize - 1) / batchSize);
        long start = System.nanoTime();
        StageTotals stageTotals = new StageTotals();
        TestBatches.forEach(manager, test, batchSize, (x, y, from) -> {
            AttackResult r = attack.runAt(model, x, y, from, threat, entry.params(), entry.seed() * 7919 + from);
            stageTotals.add(r.stages());
            if (from == 0) { // gallery: a few examples of the first batch (see GalleryRecorder)
                gallery.record(subject.model(), attack.name(), threat.norm(), model, x,
                        Arrays.copyOf(test.labels(), (int) x.getShape().get(0)), r);
            }
            if (traits.minNorm() != r.hasDistances()) {
                throw new IllegalStateException(attack.name() + ": declares min-norm " + traits.minNorm()
                        + " but returned " + (r.hasDistances() ? "" : "no ") + "distances");
            }
            tally.add(from, AttackClaims.verify(model, x, y, r, threat.epsilons()));
            progress.advance(1, "");
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.finish("");
        return finish(subject, model, entry, purpose, tally, stageTotals, seconds);
    }

    /** The run's outcome, summary and verdict from its tally. */
    private Run finish(Evaluator.Subject subject, Classifier model, ResolvedAttack entry, String purpose, Tally tally,
            StageTotals stageTotals, double seconds) {
        Attack attack = entry.attack();
        AttackTraits traits = attack.traits();
        ThreatModel threat = entry.threat();
        int n = tally.relative.length;
        // rho2 is an L2 quantity: ‖Δx‖₂/‖x‖₂ of an L2 min-norm attack
        double rho2 = traits.minNorm() && threat.norm() == Norm.L2 ? TestBatches.mean(tally.relative, tally.hasRelative)
                : Double.NaN;
        double images = traits.minNorm() ? n : (double) n * threat.epsilons().size();
        stages.add(String.format(Locale.ROOT, "%s%s %.1f s (%.0f img/s%s%s)", attack.name(), purpose, seconds,
                images / Math.max(seconds, 1e-9), Double.isNaN(rho2) ? "" : String.format(Locale.ROOT, ", rho2 %.4g", rho2),
                tally.rejected == 0 ? "" : ", " + tally.rejected + " false claims rejected"));
        Map<String, Object> recorded = new TreeMap<>(entry.params().asMap());
        recorded.put("seed", entry.seed());
        recorded.put("norm", threat.norm().label());
        AttackOutcome outcome = new AttackOutcome(attack.name(), traits, threat.norm(), threat.epsilons(), tally.success,
                tally.distances, seconds, tally.claims, tally.rejected);
        List<StageRow> stageRows = stageTotals.rows(attack.name(), threat.norm().label(), n);
        for (StageRow row : stageRows) {
            LOG.info(String.format(Locale.ROOT, "%s %s %s eps %.4g: after %s robust accuracy %.2f%%, %.1f s", subject.model(),
                    attack.name(), row.norm(), row.epsilon(), row.stage(), 100 * row.robustAccuracy(), row.seconds()));
        }
        List<String> shortfalls = attack.shortfalls(entry.params(), model).stream()
                .map(s -> attack.traits().displayName() + " " + threat.norm().label() + ": " + s).toList();
        boolean reliable = model.isDifferentiable() && attack.isReliable(entry.params()) && shortfalls.isEmpty();
        return new Run(outcome, json(recorded), rho2, stageRows, reliable, shortfalls);
    }

    /** The rows of {@code run} of {@code subject}, one per ε of its grid. */
    static List<ResultRow> rows(Evaluator.Subject subject, Run run, double clean, String access) {
        AttackOutcome o = run.outcome();
        int n = o.samples();
        double images = o.traits().minNorm() ? n : (double) n * o.epsilons().size();
        double throughput = images / Math.max(o.seconds(), 1e-9);
        List<ResultRow> rows = new ArrayList<>();
        for (int e = 0; e < o.epsilons().size(); e++) {
            int robust = TestBatches.count(o.success()[e], false);
            String flags = run.reliable() ? o.traits().flags() + " " + AttackTraits.RELIABLE_FLAG : o.traits().flags();
            rows.add(subject.row().attack(o.attack()).attackLabel(o.traits().displayName()).attackTraits(flags)
                    .norm(o.norm().label()).epsilon(o.epsilons().get(e)).samples(n).cleanAccuracy(clean)
                    .robustAccuracy((double) robust / n).robustCi(WilsonInterval.of(robust, n)).rho2(run.rho2())
                    .attackSeconds(o.seconds()).attackParams(run.paramsJson()).access(access).attackImagesPerSecond(throughput)
                    .build());
        }
        return rows;
    }

    /** Recorded attack parameters with {@code "adaptive": label} added. */
    static String withAdaptive(String paramsJson, String label) {
        try {
            Map<String, Object> recorded = new TreeMap<>(Json.MAPPER.readValue(paramsJson,
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() {}));
            recorded.put("adaptive", label);
            return json(recorded);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code value} as compact JSON (the recorded attack parameters of the rows). */
    static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
