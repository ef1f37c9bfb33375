package dev.defensebench.defenses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The examples FGSM and PGD adversarial training use: in the ε-ball and the box, and they raise the loss. */
class AdversarialTrainingTest {

    private static final Shape SAMPLE = new Shape(1, 6, 6);

    private static BlockClassifier model(NDManager m) {
        Block net = TinyNets.initialise(TinyNets.mlp(4), m, DataType.FLOAT32, SAMPLE, 13);
        return new BlockClassifier(net, 4, InputBox.uniform(0, 1, SAMPLE));
    }

    @Test
    void fgsmTrainingExamplesAreInTheBallAndTheBoxAndRaiseTheLoss() {
        try (NDManager m = NDManager.newBaseManager()) {
            BlockClassifier model = model(m);
            m.getEngine().setRandomSeed(1);
            NDArray x = m.randomUniform(0, 1, new Shape(32, 1, 6, 6));
            NDArray y = m.randomInteger(0, 4, new Shape(32), DataType.INT64);
            FgsmAdversarial.Settings s = new FgsmAdversarial.Settings(0.1, 0.5);
            NDArray adv = FgsmAdversarial.adversarialExamples(model, x, y, s);
            checkBallBoxAndLoss(model, x, adv, y, Norm.LINF, 0.1);
            // the loss is built on exactly these examples: α·CE(x) + (1−α)·CE(x_adv)
            LossTerms terms = FgsmAdversarial.loss(s).compute(model, x, y);
            double ce = Losses.crossEntropy(model.logits(x), y).getFloat();
            double advCe = Losses.crossEntropy(model.logits(adv), y).getFloat();
            assertThat((double) terms.terms().get("adv_ce").getFloat()).isCloseTo(advCe, within(1e-5));
            assertThat((double) terms.total().getFloat()).isCloseTo(0.5 * ce + 0.5 * advCe, within(1e-5));
        }
    }

    @Test
    void pgdTrainingExamplesAreInTheBallAndTheBoxAndRaiseTheLossForLinfAndL2() {
        try (NDManager m = NDManager.newBaseManager()) {
            BlockClassifier model = model(m);
            m.getEngine().setRandomSeed(2);
            NDArray x = m.randomUniform(0, 1, new Shape(32, 1, 6, 6));
            NDArray y = m.randomInteger(0, 4, new Shape(32), DataType.INT64);
            InnerPgd linf = new InnerPgd(Norm.LINF, 0.1, new Pgd.Settings(10, 0.025, true));
            NDArray advLinf = PgdAdversarial.adversarialExamples(model, x, y, linf, new Random(3));
            checkBallBoxAndLoss(model, x, advLinf, y, Norm.LINF, 0.1);
            InnerPgd l2 = new InnerPgd(Norm.L2, 1.0, new Pgd.Settings(10, 0.25, true));
            NDArray advL2 = PgdAdversarial.adversarialExamples(model, x, y, l2, new Random(3));
            checkBallBoxAndLoss(model, x, advL2, y, Norm.L2, 1.0);
            // PGD's training examples are at least as harmful as FGSM's at the same budget
            NDArray fgsm = FgsmAdversarial.adversarialExamples(model, x, y, new FgsmAdversarial.Settings(0.1, 0.5));
            assertThat(Losses.crossEntropy(model.logits(advLinf), y).getFloat())
                    .isGreaterThanOrEqualTo(Losses.crossEntropy(model.logits(fgsm), y).getFloat());
            // with clean_weight 0 the objective is the cross-entropy at the PGD examples of the same draw
            PgdAdversarial.Settings s = new PgdAdversarial.Settings(linf, 0);
            LossTerms terms = PgdAdversarial.loss(s, new Random(3)).compute(model, x, y);
            double advCe = Losses.crossEntropy(model.logits(advLinf), y).getFloat();
            assertThat((double) terms.total().getFloat()).isCloseTo(advCe, within(1e-5));
        }
    }

    @Test
    void pgdTrainingExamplesAreReproducibleFromTheSeed() {
        try (NDManager m = NDManager.newBaseManager()) {
            BlockClassifier model = model(m);
            m.getEngine().setRandomSeed(4);
            NDArray x = m.randomUniform(0, 1, new Shape(8, 1, 6, 6));
            NDArray y = m.randomInteger(0, 4, new Shape(8), DataType.INT64);
            InnerPgd inner = new InnerPgd(Norm.LINF, 0.2, new Pgd.Settings(5, 0.05, true));
            float[] a = PgdAdversarial.adversarialExamples(model, x, y, inner, new Random(7)).toFloatArray();
            float[] b = PgdAdversarial.adversarialExamples(model, x, y, inner, new Random(7)).toFloatArray();
            float[] c = PgdAdversarial.adversarialExamples(model, x, y, inner, new Random(8)).toFloatArray();
            assertThat(a).containsExactly(b);
            assertThat(a).isNotEqualTo(c);
        }
    }

    @Test
    void badParametersNameTheKey() {
        PgdAdversarial pgd = new PgdAdversarial();
        assertThatThrownBy(() -> PgdAdversarial.Settings.from(
                dev.defensebench.spi.Hyperparameters.resolve("d", pgd.parameters(), Map.of("norm", "L3"))))
                .hasMessageContaining("'norm'").hasMessageContaining("L3");
        assertThatThrownBy(() -> PgdAdversarial.Settings.from(
                dev.defensebench.spi.Hyperparameters.resolve("d", pgd.parameters(), Map.of("clean_weight", 2.0))))
                .hasMessageContaining("'clean_weight'").hasMessageContaining("found 2.0");
        FgsmAdversarial fgsm = new FgsmAdversarial();
        assertThatThrownBy(() -> FgsmAdversarial.Settings.from(
                dev.defensebench.spi.Hyperparameters.resolve("d", fgsm.parameters(), Map.of("eps", 0.0))))
                .hasMessageContaining("'eps'").hasMessageContaining("found 0.0");
    }

    static void checkBallBoxAndLoss(BlockClassifier model, NDArray x, NDArray adv, NDArray y, Norm norm, double eps) {
        for (float d : norm.perSample(adv.sub(x)).toFloatArray()) {
            assertThat(d).isLessThanOrEqualTo((float) eps + 1e-5f);
        }
        assertThat(adv.min().getFloat()).isGreaterThanOrEqualTo(0f);
        assertThat(adv.max().getFloat()).isLessThanOrEqualTo(1f);
        float[] clean = Losses.crossEntropyPerSample(model.logits(x), y).toFloatArray();
        float[] attacked = Losses.crossEntropyPerSample(model.logits(adv), y).toFloatArray();
        double raised = 0;
        for (int i = 0; i < clean.length; i++) {
            assertThat(attacked[i]).isGreaterThanOrEqualTo(clean[i] - 1e-4f);
            raised += attacked[i] - clean[i];
        }
        assertThat(raised / clean.length).isGreaterThan(1e-3);
    }
}
