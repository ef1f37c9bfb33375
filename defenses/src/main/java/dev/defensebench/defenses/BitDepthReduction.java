package dev.defensebench.defenses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
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
 * Bit-depth reduction (Xu, Evans, Qi 2018, "feature squeezing"): each input value, rescaled to [0, 1] over
 * the input box, is rounded to {@code bits} bits at test time. Deterministic and non-differentiable (its
 * derivative is zero almost everywhere); Athalye, Carlini, Wagner (2018) break it with BPDA and the
 * identity as approximation. Wraps its {@code init_from} model without retraining it.
 */
public final class BitDepthReduction implements Defense {

    @Override
    public String name() {
        return "bit-depth";
    }

    @Override
    public String description() {
        return "bit-depth reduction at test time (feature squeezing), over the init_from model, no training";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(ParamSpec.ofInt("bits", 1, "bits kept per input value (1 to 8)"));
    }

    @Override
    public void validate(Hyperparameters params) {
        int bits = params.getInt("bits");
        if (bits < 1 || bits > 8) {
            throw new IllegalArgumentException("'bits' must be from 1 to 8, found " + bits);
        }
    }

    @Override
    public InputTransform inputTransform(Hyperparameters params, InputBox box) {
        validate(params);
        return new Quantiser(params.getInt("bits"), box);
    }

    @Override
    public TrainedModel train(TrainingRequest request) {
        validate(request.params());
        return ParentWeights.load(request, name(), inputTransform(request.params(), request.data().box()).describe());
    }

    /** round(u·(2^bits − 1)) / (2^bits − 1) of u = (x − lower) / (upper − lower), mapped back to the box. */
    record Quantiser(int bits, InputBox box) implements InputTransform {

        @Override
        public NDArray apply(NDArray inputs, Random random) {
            NDList bounds = box.bounds(inputs);
            NDArray lower = bounds.get(0);
            NDArray range = bounds.get(1).sub(lower);
            float levels = (1 << bits) - 1;
            NDArray unit = inputs.sub(lower).div(range).clip(0, 1);
            return unit.mul(levels).round().div(levels).mul(range).add(lower);
        }

        @Override
        public String describe() {
            return "bit depth " + bits;
        }
    }
}
