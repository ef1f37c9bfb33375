package dev.defensebench.app.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.defensebench.app.config.AttackEntry;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.report.ResultRow;
import dev.defensebench.report.WilsonInterval;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Examples;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ProgressListener;
import dev.defensebench.spi.ThreatModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores one model on the fixed test subset: clean accuracy, then every attack of the suite in
 * batches, one result row per attack × ε (min-norm attacks thresholded at every ε of their grid).
 */
public final class Evaluator {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** What does not change from row to row: who is scored and under which identity. */
    public record Subject(String experiment, String model, String defense, String architecture, String dataset,
            String preprocessing, long seed, String cellHash, double trainSeconds) {}

    private final Plugins plugins;
    private final int batchSize;
    private final ProgressListener progress;
    private final GalleryRecorder gallery;

    public Evaluator(Plugins plugins, int batchSize, ProgressListener progress) {
        this(plugins, batchSize, progress, new GalleryRecorder(0));
    }

    /** An evaluator that also hands a few adversarial examples per attack to {@code gallery}. */
    public Evaluator(Plugins plugins, int batchSize, ProgressListener progress, GalleryRecorder gallery) {
        this.plugins = plugins;
        this.batchSize = batchSize;
        this.progress = progress;
        this.gallery = gallery;
    }

    /** All rows for {@code model} on {@code test}. */
    public List<ResultRow> evaluate(Subject subject, Classifier model, NDManager manager, Examples test,
            List<AttackEntry> attacks) {
        int n = test.size();
        boolean[] cleanCorrect = new boolean[n];
        forEachBatch(manager, test, (x, y, from) -> {
            long[] predicted = model.predict(x).toLongArray();
            for (int i = 0; i < predicted.length; i++) {
                cleanCorrect[from + i] = predicted[i] == test.labels()[from + i];
            }
        });
        int correct = count(cleanCorrect, true);
        double clean = (double) correct / n;
        List<ResultRow> rows = new ArrayList<>();
        WilsonInterval cleanCi = WilsonInterval.of(correct, n);
        rows.add(row(subject, ResultRow.CLEAN_ATTACK, "none", 0, n, clean, clean, cleanCi, Double.NaN, 0, "{}"));
        for (AttackEntry entry : attacks) {
            rows.addAll(runAttack(subject, model, manager, test, entry, clean));
        }
        return rows;
    }

    private List<ResultRow> runAttack(Subject subject, Classifier model, NDManager manager, Examples test,
            AttackEntry entry, double clean) {
        Attack attack = plugins.attack(entry.attack());
        Hyperparameters params = Hyperparameters.resolve("attack '" + attack.name() + "'", attack.parameters(), entry.params());
        ThreatModel threat = new ThreatModel(Norm.parse(entry.norm()), entry.epsilons());
        int n = test.size();
        int grid = threat.epsilons().size();
        boolean[][] success = new boolean[grid][n];
        double[] relative = new double[n];
        boolean[] hasRelative = new boolean[n];
        progress.start(subject.model() + " " + attack.name(), (n + batchSize - 1) / batchSize);
        long start = System.nanoTime();
        forEachBatch(manager, test, (x, y, from) -> {
            AttackResult r = attack.run(model, x, y, threat, params, entry.seed() * 7919 + from);
            if (from == 0) { // gallery: a few examples of the first batch (see GalleryRecorder)
                gallery.record(subject.model(), attack.name(), threat.norm(), model, x,
                        java.util.Arrays.copyOf(test.labels(), (int) x.getShape().get(0)), r);
            }
            for (int e = 0; e < grid; e++) {
                System.arraycopy(r.outcomes().get(e).success(), 0, success[e], from, r.outcomes().get(e).success().length);
            }
            if (r.hasDistances()) {
                for (int i = 0; i < r.distances().length; i++) {
                    float d = r.distances()[i];
                    hasRelative[from + i] = Float.isFinite(d) && r.inputNorms()[i] > 0;
                    relative[from + i] = hasRelative[from + i] ? d / r.inputNorms()[i] : Double.NaN;
                }
            }
            progress.advance(1, "");
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        double rho2 = attack.isMinNorm() ? mean(relative, hasRelative) : Double.NaN;
        progress.finish(String.format(Locale.ROOT, "%s %s: %.1f s (%.0f img/s)%s", subject.model(), attack.name(), seconds,
                n / Math.max(seconds, 1e-9), Double.isNaN(rho2) ? "" : String.format(Locale.ROOT, ", rho2=%.4g", rho2)));
        Map<String, Object> recorded = new TreeMap<>(params.asMap());
        recorded.put("seed", entry.seed());
        recorded.put("norm", threat.norm().label());
        String paramsJson;
        try {
            paramsJson = JSON.writeValueAsString(recorded);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        List<ResultRow> rows = new ArrayList<>();
        for (int e = 0; e < grid; e++) {
            int robust = count(success[e], false);
            rows.add(row(subject, attack.name(), threat.norm().label(), threat.epsilons().get(e), n, clean,
                    (double) robust / n, WilsonInterval.of(robust, n), rho2, seconds, paramsJson));
        }
        return rows;
    }

    private static ResultRow row(Subject s, String attack, String norm, double eps, int n, double clean, double robust,
            WilsonInterval ci, double rho2, double seconds, String params) {
        return new ResultRow(s.experiment(), s.model(), s.defense(), s.architecture(), s.dataset(), s.preprocessing(),
                s.seed(), s.cellHash(), attack, norm, eps, n, clean, robust, ci.low(), ci.high(), rho2,
                s.trainSeconds(), seconds, params);
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
