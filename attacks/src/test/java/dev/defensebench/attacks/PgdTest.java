package dev.defensebench.attacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.EpsilonOutcome;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ThreatModel;
import dev.defensebench.testing.TinyNets;
import dev.defensebench.train.Losses;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PgdTest {

    private static final Shape SAMPLE = new Shape(1, 8, 8);
    private static final int CLASSES = 4;

    /**
     * A tiny MLP on 1×8×8 samples. Not the tiny conv net: float32 convolution input gradients from
     * libtorch's multi-threaded CPU kernels differ between identical calls on this machine (and were
     * once NaN), which would make these tests flaky for reasons outside PGD.
     */
    private static BlockClassifier mlpModel(NDManager m) {
        Block net = TinyNets.initialise(TinyNets.mlp(CLASSES), m, DataType.FLOAT32, SAMPLE, 12);
        return new BlockClassifier(net, CLASSES, InputBox.uniform(0, 1, SAMPLE));
    }

    private static Hyperparameters params(Map<String, ?> given) {
        return Hyperparameters.resolve("attack 'pgd'", new Pgd().parameters(), given);
    }

    @Test
    void linfExamplesStayInTheBallAndTheBoxAndRaiseTheLoss() {
        checkBallBoxAndLoss(Norm.LINF, List.of(0.0, 0.05, 0.2));
    }

    @Test
    void l2ExamplesStayInTheBallAndTheBoxAndRaiseTheLoss() {
        checkBallBoxAndLoss(Norm.L2, List.of(0.0, 0.5, 2.0));
    }

    private static void checkBallBoxAndLoss(Norm norm, List<Double> epsilons) {
        try (NDManager m = NDManager.newBaseManager()) {
            BlockClassifier model = mlpModel(m);
            m.getEngine().setRandomSeed(5);
            NDArray x = m.randomUniform(0, 1, new Shape(16, 1, 8, 8));
            NDArray y = m.randomInteger(0, CLASSES, new Shape(16), DataType.INT64);
            AttackResult result = new Pgd().run(model, x, y, new ThreatModel(norm, epsilons),
                    params(Map.of("steps", 10)), 3);
            double[] clean = perSample(model, x, y);
            for (EpsilonOutcome o : result.outcomes()) {
                NDArray adv = o.adversarial();
                float[] dist = norm.perSample(adv.sub(x)).toFloatArray();
                for (float v : dist) {
                    assertThat(v).isLessThanOrEqualTo((float) o.epsilon() + 1e-5f);
                }
                assertThat(adv.min().getFloat()).isGreaterThanOrEqualTo(0f);
                assertThat(adv.max().getFloat()).isLessThanOrEqualTo(1f);
                if (o.epsilon() > 0) {
                    double[] attacked = perSample(model, adv, y);
                    double raised = 0;
                    for (int i = 0; i < clean.length; i++) {
                        assertThat(attacked[i]).isGreaterThanOrEqualTo(clean[i] - 1e-4);
                        raised += attacked[i] - clean[i];
                    }
                    assertThat(raised / clean.length).isGreaterThan(1e-3);
                }
            }
        }
    }

    @Test
    void atLeastAsStrongAsFgsm() {
        Shape sample = new Shape(10);
        try (NDManager m = NDManager.newBaseManager()) {
            Block net = TinyNets.initialise(TinyNets.mlp(CLASSES), m, DataType.FLOAT32, sample, 3);
            BlockClassifier model = new BlockClassifier(net, CLASSES, InputBox.uniform(0, 1, sample));
            m.getEngine().setRandomSeed(8);
            NDArray x = m.randomUniform(0, 1, new Shape(200, 10));
            NDArray y = model.predict(x); // clean accuracy 100%: every point is a target
            List<Double> eps = List.of(0.02, 0.05, 0.1);
            ThreatModel threat = new ThreatModel(Norm.LINF, eps);
            AttackResult pgd = new Pgd().run(model, x, y, threat, params(Map.of("steps", 40)), 0);
            AttackResult fgsm = new Fgsm().run(model, x, y, threat,
                    Hyperparameters.resolve("attack 'fgsm'", new Fgsm().parameters(), Map.of()), 0);
            double pgdTotal = 0;
            double fgsmTotal = 0;
            for (int i = 0; i < eps.size(); i++) {
                EpsilonOutcome p = pgd.outcomes().get(i);
                EpsilonOutcome f = fgsm.outcomes().get(i);
                assertThat(p.robustAccuracy()).isLessThanOrEqualTo(f.robustAccuracy());
                pgdTotal += p.robustAccuracy();
                fgsmTotal += f.robustAccuracy();
            }
            // and strictly stronger over the grid, so the comparison can fail
            assertThat(pgdTotal).isLessThan(fgsmTotal);
        }
    }

    @Test
    void restartsKeepTheFirstFoolingRunElseTheHighestLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            BlockClassifier model = mlpModel(m);
            m.getEngine().setRandomSeed(6);
            NDArray x = m.randomUniform(0, 1, new Shape(32, 1, 8, 8));
            NDArray y = m.randomInteger(0, CLASSES, new Shape(32), DataType.INT64);
            Pgd.Settings settings = new Pgd.Settings(3, 0.02, true);
            double eps = 0.08;
            NDArray best = Pgd.perturbWithRestarts(model, x, y, Norm.LINF, eps, settings, 3, new Random(21));
            // The same three runs one by one: the restarts draw from the generator in sequence.
            Random replay = new Random(21);
            Function<NDArray, NDArray> ce = Pgd.crossEntropy(y);
            NDArray[] runs = new NDArray[3];
            double[][] losses = new double[3][];
            boolean[][] fooled = new boolean[3][];
            for (int r = 0; r < 3; r++) {
                runs[r] = Pgd.perturb(model, x, ce, y, Norm.LINF, eps, settings, replay);
                losses[r] = perSample(model, runs[r], y);
                fooled[r] = Checks.misclassified(model, runs[r], y);
            }
            double[] bestLoss = perSample(model, best, y);
            int fromLaterRestart = 0;
            for (int i = 0; i < 32; i++) {
                int expected = -1;
                for (int r = 0; r < 3 && expected < 0; r++) {
                    if (fooled[r][i]) {
                        expected = r;
                    }
                }
                if (expected < 0) {
                    expected = 0;
                    for (int r = 1; r < 3; r++) {
                        if (losses[r][i] > losses[expected][i]) {
                            expected = r;
                        }
                    }
                }
                fromLaterRestart += expected > 0 ? 1 : 0;
                float diff = best.get(i).sub(runs[expected].get(i)).abs().max().getFloat();
                assertThat(diff).as("sample %d differs from restart %d", i, expected).isLessThan(1e-6f);
                for (int r = 0; r < 3; r++) {
                    if (!fooled[expected][i]) {
                        assertThat(bestLoss[i]).isGreaterThanOrEqualTo(losses[r][i]);
                    }
                }
            }
            assertThat(fromLaterRestart).as("samples taken from restart 2 or 3").isPositive();
        }
    }

    @Test
    void seedMakesTheAttackReproducible() {
        try (NDManager m = NDManager.newBaseManager()) {
            BlockClassifier model = mlpModel(m);
            m.getEngine().setRandomSeed(7);
            NDArray x = m.randomUniform(0, 1, new Shape(8, 1, 8, 8));
            NDArray y = m.randomInteger(0, CLASSES, new Shape(8), DataType.INT64);
            ThreatModel threat = new ThreatModel(Norm.L2, List.of(1.0));
            Hyperparameters p = params(Map.of("steps", 5, "restarts", 2));
            float[] a = new Pgd().run(model, x, y, threat, p, 4).outcomes().get(0).adversarial().toFloatArray();
            float[] b = new Pgd().run(model, x, y, threat, p, 4).outcomes().get(0).adversarial().toFloatArray();
            float[] c = new Pgd().run(model, x, y, threat, p, 5).outcomes().get(0).adversarial().toFloatArray();
            assertThat(a).containsExactly(b);
            assertThat(a).isNotEqualTo(c);
        }
    }

    @Test
    void randomStartIsUniformInTheBall() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray like = m.zeros(new Shape(500, 3, 4));
            NDArray linf = Pgd.randomInBall(like, Norm.LINF, 0.3, new Random(1));
            assertThat(linf.abs().max().getFloat()).isLessThanOrEqualTo(0.3f).isGreaterThan(0.29f);
            assertThat(linf.mean().getFloat()).isBetween(-0.01f, 0.01f);
            float[] radii = Norm.L2.perSample(Pgd.randomInBall(like, Norm.L2, 2.0, new Random(1))).toFloatArray();
            int inner = 0;
            for (float r : radii) {
                assertThat(r).isLessThanOrEqualTo(2.0f + 1e-5f);
                inner += r < 2.0 * Math.pow(0.5, 1.0 / 12) ? 1 : 0;
            }
            // uniform in the 12-dimensional ball: half the mass lies within radius eps·0.5^(1/12)
            assertThat(inner).isBetween(200, 300);
        }
    }

    @Test
    void settingsComeFromAbsoluteOrRelativeStepSize() {
        assertThat(Pgd.settings(params(Map.of()), 0.3).stepSize()).isCloseTo(2.5 * 0.3 / 40, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(Pgd.settings(params(Map.of("step_size", 0.01)), 0.3).stepSize()).isEqualTo(0.01);
        assertThatThrownBy(() -> Pgd.settings(params(Map.of("steps", 0)), 0.3))
                .hasMessageContaining("steps").hasMessageContaining("found 0");
        assertThatThrownBy(() -> Pgd.settings(params(Map.of("step_size", -1.0)), 0.3)).hasMessageContaining("step_size");
    }

    private static double[] perSample(BlockClassifier model, NDArray x, NDArray y) {
        float[] v = Losses.crossEntropyPerSample(model.logits(x), y).toFloatArray();
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i];
        }
        return out;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }

    @Test
    void moreStepsNeverBreakFewerPointsOnAFixedSeed() {
        try (NDManager m = NDManager.newBaseManager()) {
            BlockClassifier model = mlpModel(m);
            m.getEngine().setRandomSeed(5);
            NDArray x = m.randomUniform(0, 1, new Shape(64, 1, 8, 8));
            NDArray y = model.predict(x);
            ThreatModel threat = new ThreatModel(Norm.LINF, List.of(0.02, 0.05, 0.1));
            boolean anyGain = false;
            for (int steps : new int[] {1, 3}) {
                AttackResult fewer = new Pgd().run(model, x, y, threat, params(Map.of("steps", steps, "step_size", 0.01)), 3);
                AttackResult more = new Pgd().run(model, x, y, threat, params(Map.of("steps", 4 * steps, "step_size", 0.01)), 3);
                for (int e = 0; e < threat.epsilons().size(); e++) {
                    boolean[] a = fewer.outcomes().get(e).success();
                    boolean[] b = more.outcomes().get(e).success();
                    for (int i = 0; i < a.length; i++) {
                        assertThat(!a[i] || b[i]).as("sample %d, eps %s: %d steps broke it, %d did not", i,
                                threat.epsilons().get(e), steps, 4 * steps).isTrue();
                        anyGain |= b[i] && !a[i];
                    }
                }
            }
            assertThat(anyGain).as("more steps broke a point that fewer did not").isTrue();
        }
    }

    @Test
    void aFooledSampleReturnsItsLatestMisclassifiedIterateAsAutoAttackKeepsIt() {
        try (NDManager m = NDManager.newBaseManager()) {
            BlockClassifier model = mlpModel(m);
            NDArray x = m.randomUniform(0.2f, 0.8f, new Shape(1, 1, 8, 8), DataType.FLOAT32);
            NDArray y = model.predict(x);
            // a budget too small to fool the model itself; forwards 1 and 2 classify the clean point and the start; forward k >= 3 is step k - 3's, which
            // classifies the point step k - 4 reached: the draws misclassify at forwards 5 and 8
            ScriptedMisclassification scripted = new ScriptedMisclassification(model, y, java.util.Set.of(5, 8));
            NDArray adversarial = Pgd.perturb(scripted, x, Pgd.crossEntropy(y), y, Norm.LINF, 0.002,
                    new Pgd.Settings(10, 0.0005, true), new Random(3));
            assertThat(scripted.calls()).isEqualTo(12);
            assertThat(adversarial.toFloatArray()).containsExactly(scripted.input(8))
                    .isNotEqualTo(scripted.input(5));
        }
    }

    @Test
    void eachStepFreesItsGraphAndKeepsOnlyItsIterate() {
        try (NDManager m = NDManager.newBaseManager()) {
            BlockClassifier model = mlpModel(m);
            int[] left = new int[2];
            int[] steps = {5, 15};
            for (int k = 0; k < 2; k++) {
                try (NDManager batch = m.newSubManager()) {
                    NDArray x = batch.randomUniform(0.2f, 0.8f, new Shape(4, 1, 8, 8), DataType.FLOAT32);
                    NDArray y = model.predict(x);
                    int before = batch.getManagedArrays().size();
                    Pgd.perturb(model, x, Pgd.crossEntropy(y), y, Norm.LINF, 0.1, new Pgd.Settings(steps[k], 0.02, true),
                            new Random(3));
                    left[k] = batch.getManagedArrays().size() - before;
                }
            }
            // a step's forward graph, loss and predictions go with the step; what stays is its iterate and the
            // latest fooled iterates (at most two arrays per step)
            assertThat(left[1] - left[0]).as("arrays left by 10 more steps").isLessThanOrEqualTo(20);
        }
    }
}
