package dev.defensebench.app.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.defensebench.app.config.ResolvedAttack;
import dev.defensebench.report.ResultRow;
import dev.defensebench.report.WilsonInterval;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Examples;
import dev.defensebench.spi.ProgressListener;
import dev.defensebench.spi.ThreatModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Transfer attacks on a model that gives logits only: every gradient attack of the suite crafts its examples on a
 * surrogate network, and the target is scored on them (rows with access {@value ResultRow#TRANSFER}).
 */
final class TransferAttacks {

    private final int batchSize;
    private final ProgressListener progress;

    TransferAttacks(int batchSize, ProgressListener progress) {
        this.batchSize = batchSize;
        this.progress = progress;
    }

    /**
     * Transfer rows: every gradient attack of {@code attacks} crafts its examples on {@code surrogate}
     * (identified as {@code surrogateId} in the rows' attack_params), and {@code target} is scored on
     * them. A point the target misclassifies cleanly counts as broken at every ε. The attack column reads
     * "transfer-&lt;attack&gt;", the access column "transfer".
     */
    List<ResultRow> rows(Evaluator.Subject subject, Classifier target, Classifier surrogate, String surrogateId,
            NDManager manager, Examples test, List<ResolvedAttack> attacks) {
        int n = test.size();
        boolean[] cleanWrong = new boolean[n];
        TestBatches.forEach(manager, test, batchSize, (x, y, from) -> {
            long[] predicted = target.predict(x).toLongArray();
            for (int i = 0; i < predicted.length; i++) {
                cleanWrong[from + i] = predicted[i] != test.labels()[from + i];
            }
        });
        double clean = (double) TestBatches.count(cleanWrong, false) / n;
        List<ResultRow> rows = new ArrayList<>();
        for (ResolvedAttack entry : attacks) {
            if (entry.traits().needsGradients()) { // score-based attacks run on the target itself
                rows.addAll(transferred(subject, target, surrogate, surrogateId, manager, test, entry, cleanWrong, clean));
            }
        }
        return rows;
    }

    /** The rows of one attack's examples crafted on {@code surrogate}, scored on {@code target}. */
    private List<ResultRow> transferred(Evaluator.Subject subject, Classifier target, Classifier surrogate,
            String surrogateId, NDManager manager, Examples test, ResolvedAttack entry, boolean[] cleanWrong, double clean) {
        Attack attack = entry.attack();
        ThreatModel threat = entry.threat();
        int n = test.size();
        int grid = threat.epsilons().size();
        boolean[][] broken = new boolean[grid][n];
        String label = "transfer-" + attack.name();
        progress.start(subject.model() + " " + label, (n + batchSize - 1) / batchSize);
        long start = System.nanoTime();
        TestBatches.forEach(manager, test, batchSize, (x, y, from) -> {
            AttackResult r = attack.run(surrogate, x, y, threat, entry.params(), entry.seed() * 7919 + from);
            for (int e = 0; e < grid; e++) {
                NDArray adversarial = r.outcomes().get(e).adversarial();
                boolean[] admissible = AttackClaims.admissible(x, adversarial, target.box(), threat.norm(),
                        threat.epsilons().get(e));
                long[] predicted = target.predict(adversarial).toLongArray();
                for (int i = 0; i < predicted.length; i++) {
                    broken[e][from + i] = cleanWrong[from + i] || admissible[i] && predicted[i] != test.labels()[from + i];
                }
            }
            progress.advance(1, "");
        });
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.finish(String.format(Locale.ROOT, "%s %s from %s: %.1f s", subject.model(), label, surrogateId, seconds));
        Map<String, Object> recorded = new TreeMap<>(entry.params().asMap());
        recorded.put("seed", entry.seed());
        recorded.put("norm", threat.norm().label());
        recorded.put("surrogate", surrogateId);
        String paramsJson = AttackRunner.json(recorded);
        List<ResultRow> rows = new ArrayList<>();
        for (int e = 0; e < grid; e++) {
            int robust = TestBatches.count(broken[e], false);
            rows.add(subject.row().attack(label).attackLabel(attack.traits().displayName() + " (transfer)")
                    .attackTraits("").norm(threat.norm().label()).epsilon(threat.epsilons().get(e)).samples(n)
                    .cleanAccuracy(clean).robustAccuracy((double) robust / n).robustCi(WilsonInterval.of(robust, n))
                    .attackSeconds(seconds).attackParams(paramsJson).access(ResultRow.TRANSFER)
                    .attackImagesPerSecond((double) n * grid / Math.max(seconds, 1e-9)).build());
        }
        return rows;
    }
}
