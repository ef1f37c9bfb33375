package dev.defensebench.defenses;

import ai.djl.ndarray.NDArray;
import dev.defensebench.spi.Defense;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.InputTransform;
import dev.defensebench.spi.ParamSpec;
import dev.defensebench.spi.TrainedModel;
import dev.defensebench.spi.TrainingRequest;
import java.util.List;
import java.util.Random;

/**
 * Gaussian noise injection at test time: {@code clip(x + σ·n)} into the input box, n standard normal, a
 * fresh draw per forward. Randomized and differentiable; EOT averages its noise away (Athalye, Carlini,
 * Wagner 2018). Wraps its {@code init_from} model without retraining it.
 */
public final class GaussianNoiseInjection implements Defense {

    @Override
    public String name() {
        return "gaussian-noise";
    }

    @Override
    public String description() {
        return "Gaussian noise added to the inputs at test time, over the init_from model, no training";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(ParamSpec.ofDouble("sigma", 0.3, "standard deviation of the noise, in input units"));
    }

    @Override
    public void validate(Hyperparameters params) {
        double sigma = params.getDouble("sigma");
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("'sigma' must be a finite number > 0, found " + sigma);
        }
    }

    @Override
    public InputTransform inputTransform(Hyperparameters params, InputBox box) {
        validate(params);
        return new Noise(params.getDouble("sigma"), box);
    }

    @Override
    public TrainedModel train(TrainingRequest request) {
        validate(request.params());
        return ParentWeights.load(request, name(), inputTransform(request.params(), request.data().box()).describe());
    }

    /** x + σ·n clipped into the box. */
    record Noise(double sigma, InputBox box) implements InputTransform {

        @Override
        public NDArray apply(NDArray inputs, Random random) {
            float[] noise = new float[(int) inputs.getShape().size()];
            for (int i = 0; i < noise.length; i++) {
                noise[i] = (float) (sigma * random.nextGaussian());
            }
            NDArray n = inputs.getManager().create(noise, inputs.getShape()).toType(inputs.getDataType(), false);
            return box.clip(inputs.add(n));
        }

        @Override
        public String describe() {
            return "Gaussian noise sigma " + sigma;
        }
    }
}
