package dev.defensebench.defenses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.adaptive.TransformedClassifier;
import dev.defensebench.attacks.ApgdCe;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.model.ModelFiles;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Examples;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ProgressListener;
import dev.defensebench.spi.ThreatModel;
import dev.defensebench.spi.TrainedModel;
import dev.defensebench.spi.TrainingRequest;
import dev.defensebench.testing.TinyNets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * End to end on a small model: a vanilla MLP trained on the blobs, wrapped (its weights unchanged) by
 * bit-depth reduction. APGD-CE through the transform as it is has zero gradients (only its random start
 * moves the points), so the plain number stays near clean accuracy; the same attack with BPDA brings it far down.
 */
class AdaptiveAttackDropTest {

    private static final double EPS = 0.25;

    @Test
    void bpdaBreaksBitDepthReductionThatPlainApgdCannot() {
        Examples data = Blobs.make(512, 2);
        Examples test = Blobs.make(200, 7);
        byte[] parent;
        try (TrainedModel vanilla = new Vanilla().train(Blobs.request(new Vanilla(), data, Map.of("epochs", 15, "batch_size", 32), 1))) {
            parent = ModelFiles.parameters(vanilla.block());
        }
        BitDepthReduction defense = new BitDepthReduction();
        Hyperparameters params = Hyperparameters.resolve("test", defense.parameters(), Map.of("bits", 5));
        TrainingRequest request = new TrainingRequest(data, () -> TinyNets.mlp(Blobs.CLASSES), params, 1, Device.cpu(),
                parent, ProgressListener.SILENT);
        try (TrainedModel wrapped = defense.train(request); NDManager m = NDManager.newBaseManager()) {
            assertThat(ModelFiles.parameters(wrapped.block())).isEqualTo(parent);
            assertThat(wrapped.epochSeconds()).isEmpty();
            TransformedClassifier model = new TransformedClassifier(
                    new BlockClassifier(wrapped.block(), Blobs.CLASSES, test.box()), defense.inputTransform(params, test.box()), 0);
            NDArray x = m.create(test.inputs(), new Shape(test.size()).addAll(test.sampleShape()));
            NDArray y = m.create(java.util.Arrays.stream(test.labels()).asLongStream().toArray());
            double clean = accuracy(model, x, y);
            double plain = robust(model, x, y);
            double bpda = robust(model.bpda(), x, y);
            String seen = String.format("clean %.3f, plain APGD-CE %.3f, with BPDA %.3f", clean, plain, bpda);
            assertThat(clean).as(seen).isGreaterThan(0.9);
            // APGD's random start alone breaks a few points; its zero gradients add nothing
            assertThat(plain).as(seen).isGreaterThan(clean - 0.2);
            assertThat(bpda).as(seen).isLessThan(plain / 2);
        }
    }

    @Test
    void aTransformDefenseNeedsAModelToWrap() {
        BitDepthReduction defense = new BitDepthReduction();
        assertThatThrownBy(() -> defense.train(Blobs.request(defense, Blobs.make(8, 1), Map.of(), 1)))
                .hasMessageContaining("give its entry 'init_from'");
    }

    private static double accuracy(Classifier model, NDArray x, NDArray y) {
        return model.predict(x).eq(y).sum().getLong() / (double) x.getShape().get(0);
    }

    /** Accuracy on APGD-CE's (20 steps) points at ε, re-checked on the model itself. */
    private static double robust(Classifier model, NDArray x, NDArray y) {
        Attack apgd = new ApgdCe();
        Hyperparameters p = Hyperparameters.resolve("test", apgd.parameters(), Map.of("steps", 20));
        AttackResult r = apgd.run(model, x, y, new ThreatModel(Norm.LINF, List.of(EPS)), p, 5);
        NDArray adversarial = r.outcomes().get(0).adversarial();
        assertThat(adversarial.sub(x).abs().max().getFloat()).isLessThanOrEqualTo((float) EPS + 1e-6f);
        return accuracy(model, adversarial, y);
    }
}
