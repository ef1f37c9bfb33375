package dev.defensebench.defenses;

import ai.djl.ndarray.NDArray;
import dev.defensebench.spi.Defense;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.ParamSpec;
import dev.defensebench.spi.TrainedModel;
import dev.defensebench.spi.TrainingRequest;
import dev.defensebench.train.BatchLoss;
import dev.defensebench.train.LossTerms;
import dev.defensebench.train.Losses;
import dev.defensebench.train.SgdSettings;
import dev.defensebench.train.SgdTraining;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Gaussian data augmentation, the training that makes a base classifier worth smoothing (Cohen et al.
 * 2019, their {@code train.py}): minimise the cross-entropy at {@code x + δ}, δ ~ N(0, σ²I) drawn afresh
 * for every image of every batch, in the model's input space and not clipped into the input box. Train
 * with the σ the randomized-smoothing certifier will use.
 */
public final class GaussianAugmentation implements Defense {

    /** Mixed into the training seed so the noise differs from the shuffling stream. */
    static final long SEED_SALT = 0x4741555353L;

    @Override
    public String name() {
        return "gaussian-augmentation";
    }

    @Override
    public String description() {
        return "Gaussian data augmentation (Cohen et al. 2019): CE at x + N(0, sigma^2 I), the base classifier for smoothing";
    }

    @Override
    public List<ParamSpec> parameters() {
        List<ParamSpec> specs = new ArrayList<>(SgdSettings.FROM_SCRATCH.parameters());
        specs.add(TrainingSubset.parameter());
        specs.add(ParamSpec.ofDouble("sigma", 0.25, "standard deviation of the training noise, in the model's input space"));
        return specs;
    }

    /** The noise's standard deviation σ, finite and > 0. */
    static double sigma(Hyperparameters p) {
        double sigma = p.getDouble("sigma");
        InnerPgd.require(sigma > 0 && Double.isFinite(sigma), "defense 'gaussian-augmentation'", "sigma",
                "a finite number > 0", sigma);
        return sigma;
    }

    @Override
    public void validate(Hyperparameters params) {
        SgdSettings.from(params);
        sigma(params);
        TrainingSubset.check(params, "defense 'gaussian-augmentation'");
    }

    @Override
    public TrainedModel train(TrainingRequest full) {
        TrainingRequest request = TrainingSubset.apply(full, "defense 'gaussian-augmentation'");
        Random random = new Random(request.seed() ^ SEED_SALT);
        return SgdTraining.train(request, SgdSettings.from(request.params()), loss(sigma(request.params()), random),
                name());
    }

    /** {@code x} plus independent N(0, σ²) noise on every element, drawn from {@code random}. */
    static NDArray noisy(NDArray x, double sigma, Random random) {
        float[] noise = new float[(int) x.getShape().size()];
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (sigma * random.nextGaussian());
        }
        return x.add(x.getManager().create(noise, x.getShape()).toType(x.getDataType(), false));
    }

    /** The batch objective: the cross-entropy at the noisy copies of the batch. */
    static BatchLoss loss(double sigma, Random random) {
        return (model, x, y) -> {
            NDArray logits = model.logits(noisy(x, sigma, random));
            return new LossTerms(Losses.crossEntropy(logits, y), logits, Map.of());
        };
    }
}
