package dev.defensebench.train;

import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.ParamSpec;
import java.util.List;

/**
 * The optimiser settings every defense shares: SGD with momentum and weight decay, a step learning-rate
 * schedule (multiply by {@code lrDecayFactor} from {@code lrDecayAt} × epochs on), mini-batches, and
 * the initialisation of a from-scratch network.
 */
public record SgdSettings(
        int epochs,
        int batchSize,
        double learningRate,
        double momentum,
        double weightDecay,
        double lrDecayAt,
        double lrDecayFactor,
        double initStd) {

    /** Plain from-scratch training defaults (MNIST). */
    public static final SgdSettings FROM_SCRATCH = new SgdSettings(10, 128, 0.05, 0.9, 5e-4, 0.8, 0.1, 0);

    /** The Deep Defense paper's fine-tuning defaults: 5 epochs, lr 5e-4 halved at 80%, batch 100. */
    public static final SgdSettings FINE_TUNE = new SgdSettings(5, 100, 5e-4, 0.9, 5e-4, 0.8, 0.5, 0);

    /** The parameter declarations, with these values as defaults. */
    public List<ParamSpec> parameters() {
        return List.of(
                ParamSpec.ofInt("epochs", epochs, "passes over the training set"),
                ParamSpec.ofInt("batch_size", batchSize, "samples per SGD step"),
                ParamSpec.ofDouble("lr", learningRate, "initial learning rate"),
                ParamSpec.ofDouble("momentum", momentum, "SGD momentum"),
                ParamSpec.ofDouble("weight_decay", weightDecay, "L2 weight decay added to the gradient"),
                ParamSpec.ofDouble("lr_decay_at", lrDecayAt, "fraction of the epochs after which the lr is scaled"),
                ParamSpec.ofDouble("lr_decay_factor", lrDecayFactor, "factor applied to the lr from lr_decay_at on"),
                ParamSpec.ofDouble("init_std", initStd, "from scratch: draw every weight from N(0, init_std^2), biases 0 "
                        + "(matconvnet's 0.01*randn); 0 keeps the architecture's default (Xavier) initialisation"));
    }

    /** Reads the settings back from resolved hyper-parameters and checks their ranges. */
    public static SgdSettings from(Hyperparameters p) {
        SgdSettings s = new SgdSettings(
                p.getInt("epochs"),
                p.getInt("batch_size"),
                p.getDouble("lr"),
                p.getDouble("momentum"),
                p.getDouble("weight_decay"),
                p.getDouble("lr_decay_at"),
                p.getDouble("lr_decay_factor"),
                p.getDouble("init_std"));
        require(s.epochs >= 0, "epochs", "an integer >= 0", s.epochs);
        require(s.batchSize >= 1, "batch_size", "an integer >= 1", s.batchSize);
        require(s.learningRate > 0, "lr", "a number > 0", s.learningRate);
        require(s.momentum >= 0 && s.momentum < 1, "momentum", "a number in [0, 1)", s.momentum);
        require(s.weightDecay >= 0, "weight_decay", "a number >= 0", s.weightDecay);
        require(s.lrDecayAt >= 0 && s.lrDecayAt <= 1, "lr_decay_at", "a number in [0, 1]", s.lrDecayAt);
        require(s.lrDecayFactor > 0, "lr_decay_factor", "a number > 0", s.lrDecayFactor);
        require(s.initStd >= 0, "init_std", "a number >= 0", s.initStd);
        return s;
    }

    /** The learning rate used in epoch {@code epoch} (0-based). */
    public double learningRateAt(int epoch) {
        return epoch >= Math.round(lrDecayAt * epochs) ? learningRate * lrDecayFactor : learningRate;
    }

    static void require(boolean ok, String key, String expected, Object found) {
        if (!ok) {
            throw new IllegalArgumentException("parameter '" + key + "' must be " + expected + ", found " + found);
        }
    }
}
