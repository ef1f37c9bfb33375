package dev.defensebench.defenses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.attacks.Pgd;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.testing.TinyNets;
import dev.defensebench.train.LossTerms;
import dev.defensebench.train.Losses;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TradesTest {

    private static final Shape SAMPLE = new Shape(10);

    private static BlockClassifier model(NDManager m) {
        Block net = TinyNets.initialise(TinyNets.mlp(4), m, DataType.FLOAT32, SAMPLE, 17);
        return new BlockClassifier(net, 4, InputBox.uniform(0, 1, SAMPLE));
    }

    @Test
    void klTermIsZeroWhenTheAdversarialPointIsTheCleanOne() {
        try (NDManager m = NDManager.newBaseManager()) {
            BlockClassifier model = model(m);
            m.getEngine().setRandomSeed(3);
            NDArray x = m.randomUniform(0, 1, new Shape(16, 10));
            NDArray y = m.randomInteger(0, 4, new Shape(16), DataType.INT64);
            LossTerms terms = Trades.objective(model, x, x, y, 6);
            assertThat(terms.terms().get("kl").getFloat()).isCloseTo(0f, within(1e-7f));
            assertThat(terms.total().getFloat()).isCloseTo(Losses.crossEntropy(model.logits(x), y).getFloat(), within(1e-6f));
        }
    }

    @Test
    void klMatchesItsDefinition() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray p = m.create(new float[] {1, 2, 0}, new Shape(1, 3));
            NDArray q = m.create(new float[] {0, 0, 3}, new Shape(1, 3));
            double[] sp = softmax(1, 2, 0);
            double[] sq = softmax(0, 0, 3);
            double expected = 0;
            for (int i = 0; i < 3; i++) {
                expected += sp[i] * Math.log(sp[i] / sq[i]);
            }
            assertThat((double) Trades.klPerSample(p, q).getFloat(0)).isCloseTo(expected, within(1e-5));
            assertThat((double) Trades.klPerSample(q, p).getFloat(0)).isNotCloseTo(expected, within(1e-2));
        }
    }

    @Test
    void klExamplesAreInTheBallAndTheBoxRaiseTheKlAndAreSeeded() {
        try (NDManager m = NDManager.newBaseManager()) {
            BlockClassifier model = model(m);
            m.getEngine().setRandomSeed(4);
            NDArray x = m.randomUniform(0, 1, new Shape(32, 10));
            NDArray y = m.randomInteger(0, 4, new Shape(32), DataType.INT64);
            InnerPgd inner = new InnerPgd(Norm.LINF, 0.2, new Pgd.Settings(10, 0.05, true));
            NDArray adv = Trades.adversarialExamples(model, x, inner, new Random(5));
            assertThat(adv.sub(x).abs().max().getFloat()).isLessThanOrEqualTo(0.2f + 1e-6f);
            assertThat(adv.min().getFloat()).isGreaterThanOrEqualTo(0f);
            assertThat(adv.max().getFloat()).isLessThanOrEqualTo(1f);
            NDArray clean = model.logits(x);
            double klAdv = Trades.klPerSample(clean, model.logits(adv)).mean().getFloat();
            NDArray random = model.box().clip(x.add(Pgd.randomInBall(x, Norm.LINF, 0.2, new Random(5))));
            double klRandom = Trades.klPerSample(clean, model.logits(random)).mean().getFloat();
            assertThat(klAdv).isGreaterThan(2 * klRandom).isGreaterThan(1e-4);
            float[] again = Trades.adversarialExamples(model, x, inner, new Random(5)).toFloatArray();
            assertThat(adv.toFloatArray()).containsExactly(again);
            // the batch loss uses exactly those examples
            LossTerms terms = Trades.loss(new Trades.Settings(inner, 6), new Random(5)).compute(model, x, y);
            assertThat((double) terms.terms().get("kl").getFloat()).isCloseTo(klAdv, within(1e-6));
        }
    }

    private static double[] softmax(double... z) {
        double sum = 0;
        double[] e = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            e[i] = Math.exp(z[i]);
            sum += e[i];
        }
        for (int i = 0; i < z.length; i++) {
            e[i] /= sum;
        }
        return e;
    }
}
