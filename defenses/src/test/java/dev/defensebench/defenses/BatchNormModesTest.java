package dev.defensebench.defenses;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.attacks.DeepFool;
import dev.defensebench.attacks.Pgd;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.model.ForwardMode;
import dev.defensebench.model.ResNet18;
import dev.defensebench.model.ResidualSum;
import dev.defensebench.spi.Defense;
import dev.defensebench.spi.Examples;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ProgressListener;
import dev.defensebench.spi.TrainedModel;
import dev.defensebench.spi.TrainingRequest;
import dev.defensebench.testing.TinyNets;
import dev.defensebench.train.BatchLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * BatchNorm under the defenses, on a width-2 ResNet-18: the inner attacks never touch the running
 * statistics (only the objective's training-mode forwards move them), and Parseval keeps the residual
 * sums convex.
 */
class BatchNormModesTest {

    private static final Shape SAMPLE = new Shape(3, 8, 8);
    private static final int CLASSES = 4;
    private static final InnerPgd INNER = new InnerPgd(Norm.LINF, 0.1, new Pgd.Settings(5, 0.03, true));

    @Test
    void pgdAdversarialTrainingUpdatesTheStatisticsOnlyWithTheAdversarialBatch() {
        check(PgdAdversarial.loss(new PgdAdversarial.Settings(INNER, 0), new Random(5)), (model, x, y) -> {
            NDArray adv = PgdAdversarial.adversarialExamples(model.inMode(ForwardMode.INFERENCE), x, y, INNER, new Random(5));
            return List.of(adv);
        });
    }

    @Test
    void tradesUpdatesTheStatisticsOnlyWithTheCleanAndAdversarialBatches() {
        check(Trades.loss(new Trades.Settings(INNER, 6), new Random(5)), (model, x, y) -> List.of(
                x, Trades.adversarialExamples(model.inMode(ForwardMode.INFERENCE), x, INNER, new Random(5))));
    }

    @Test
    void fgsmTrainingUpdatesTheStatisticsOnlyWithTheCleanAndAdversarialBatches() {
        FgsmAdversarial.Settings s = new FgsmAdversarial.Settings(0.1, 0.5);
        check(FgsmAdversarial.loss(s), (model, x, y) -> List.of(
                x, FgsmAdversarial.adversarialExamples(model.inMode(ForwardMode.BATCH_STATISTICS), x, y, s)));
    }

    @Test
    void deepDefenseUpdatesTheStatisticsOnlyWithTheCleanBatch() {
        DeepDefense.Settings s = new DeepDefense.Settings(15, 25, 5,
                new DeepFool.Settings(2, 0.02, true, DeepFool.Route.CHOSEN_DIFFERENCE));
        check(DeepDefense.loss(s), (model, x, y) -> List.of(x));
    }

    @Test
    void batchStatisticsModeUsesTheBatchButLeavesTheRunningStatisticsAlone() {
        try (NDManager m = NDManager.newBaseManager()) {
            BlockClassifier model = model(m);
            NDArray x = inputs(m);
            List<float[]> before = snapshot(model);
            NDArray frozen = Autograd.notRecording(() -> model.inMode(ForwardMode.BATCH_STATISTICS).logits(x));
            Autograd.notRecording(() -> model.logits(x));
            assertEqual(snapshot(model), before);
            NDArray training = Autograd.notRecording(() -> model.inMode(ForwardMode.TRAINING).logits(x));
            assertThat(frozen.toFloatArray()).containsExactly(training.toFloatArray());
            assertThat(differs(snapshot(model), before)).isTrue();
        }
    }

    @Test
    void parsevalKeepsTheResidualSumsOnTheSimplexAndVanillaLeavesThemAtOne() {
        Random r = new Random(3);
        int n = 16;
        float[] xs = new float[n * (int) SAMPLE.size()];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = r.nextFloat();
        }
        int[] ys = new int[n];
        for (int i = 0; i < n; i++) {
            ys[i] = i % CLASSES;
        }
        Examples data = new Examples(xs, ys, SAMPLE, CLASSES, InputBox.uniform(0, 1, SAMPLE));
        Map<String, Object> params = Map.of("epochs", 1, "batch_size", 8);
        try (TrainedModel parseval = train(new ParsevalTraining(), data, params);
             TrainedModel vanilla = train(new Vanilla(), data, params)) {
            List<ResidualSum> sums = ParsevalTraining.residualSums(parseval.block());
            assertThat(sums).hasSize(8);
            boolean moved = false;
            for (ResidualSum sum : sums) {
                float[] a = sum.aggregation().getArray().toFloatArray();
                assertThat(a[0]).isGreaterThanOrEqualTo(0f);
                assertThat(a[1]).isGreaterThanOrEqualTo(0f);
                assertThat((double) a[0] + a[1]).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-6));
                moved |= Math.abs(a[0] - 0.5f) > 1e-6;
            }
            assertThat(moved).as("the aggregation weights are trained").isTrue();
            for (ResidualSum sum : ParsevalTraining.residualSums(vanilla.block())) {
                assertThat(sum.aggregation().getArray().toFloatArray()).containsExactly(1f, 1f);
            }
        }
    }

    private static TrainedModel train(Defense defense, Examples data, Map<String, Object> params) {
        Hyperparameters p = Hyperparameters.resolve("defense '" + defense.name() + "'", defense.parameters(), params);
        return defense.train(new TrainingRequest(data, () -> new ResNet18(2).build(SAMPLE, CLASSES), p, 1,
                Device.cpu(), null, ProgressListener.SILENT));
    }

    /** The training-mode batches the objective may show the network, given the same random draws. */
    @FunctionalInterface
    interface Expected {
        List<NDArray> batches(BlockClassifier model, NDArray x, NDArray y);
    }

    /**
     * One step of {@code loss} moves the running statistics exactly as training-mode forwards of the
     * {@code expected} batches do, and no further: attack steps add nothing.
     */
    private static void check(BatchLoss loss, Expected expected) {
        try (NDManager m = NDManager.newBaseManager()) {
            BlockClassifier model = model(m);
            BlockClassifier training = model.inMode(ForwardMode.TRAINING);
            NDArray x = inputs(m);
            NDArray y = m.create(new long[] {0, 1, 2, 3, 0, 1, 2, 3});
            List<float[]> before = snapshot(model);
            Autograd.recording(() -> loss.compute(training, x, y).total());
            List<float[]> after = snapshot(model);
            assertThat(differs(after, before)).isTrue();

            restore(model, before);
            List<NDArray> batches = expected.batches(model, x, y);
            restore(model, before);
            Consumer<NDArray> forward = b -> Autograd.notRecording(() -> training.logits(b));
            batches.forEach(forward);
            assertEqual(after, snapshot(model));
        }
    }

    private static BlockClassifier model(NDManager m) {
        Block net = TinyNets.initialise(new ResNet18(2).build(SAMPLE, CLASSES), m, DataType.FLOAT32, SAMPLE, 11);
        return new BlockClassifier(net, CLASSES, InputBox.uniform(0, 1, SAMPLE));
    }

    private static NDArray inputs(NDManager m) {
        m.getEngine().setRandomSeed(4);
        return m.randomUniform(0, 1, new Shape(8).addAll(SAMPLE));
    }

    private static List<float[]> snapshot(BlockClassifier model) {
        List<float[]> out = new ArrayList<>();
        BlockClassifier.runningStatistics(model.block()).forEach(a -> out.add(a.toFloatArray()));
        return out;
    }

    private static void restore(BlockClassifier model, List<float[]> values) {
        List<NDArray> stats = BlockClassifier.runningStatistics(model.block());
        for (int i = 0; i < stats.size(); i++) {
            stats.get(i).set(java.nio.FloatBuffer.wrap(values.get(i)));
        }
    }

    private static boolean differs(List<float[]> a, List<float[]> b) {
        for (int i = 0; i < a.size(); i++) {
            if (!java.util.Arrays.equals(a.get(i), b.get(i))) {
                return true;
            }
        }
        return false;
    }

    private static void assertEqual(List<float[]> actual, List<float[]> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            float[] a = actual.get(i);
            float[] e = expected.get(i);
            for (int j = 0; j < a.length; j++) {
                assertThat(Math.abs(a[j] - e[j])).as("statistic %d[%d]", i, j)
                        .isLessThanOrEqualTo(1e-5f * Math.max(1f, Math.abs(e[j])));
            }
        }
    }
}
