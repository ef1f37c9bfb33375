package dev.defensebench.train;

import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.ParamSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * The optimiser settings every defense shares: SGD with momentum and weight decay, a learning-rate
 * schedule ({@link LearningRateSchedule}), mini-batches, training-time augmentation
 * ({@link Augmentation}), and the initialisation of a from-scratch network.
 */
public record SgdSettings(
        int epochs,
        int batchSize,
        double momentum,
        double weightDecay,
        double initStd,
        LearningRateSchedule schedule,
        String augmentation) {

    /** Plain from-scratch training defaults (MNIST). */
    public static final SgdSettings FROM_SCRATCH = defaults(10, 128, 0.05, 0.9, 5e-4, 0.8, 0.1);

    /** The Deep Defense paper's fine-tuning defaults: 5 epochs, lr 5e-4 halved at 80%, batch 100. */
    public static final SgdSettings FINE_TUNE = defaults(5, 100, 5e-4, 0.9, 5e-4, 0.8, 0.5);

    private static SgdSettings defaults(int epochs, int batchSize, double lr, double momentum, double weightDecay,
            double decayAt, double decayFactor) {
        return new SgdSettings(epochs, batchSize, momentum, weightDecay, 0,
                new LearningRateSchedule("step", lr, epochs, decayAt, decayFactor, List.of(0.5, 0.75), 0),
                Augmentation.AUTO);
    }

    /** The parameter declarations, with these values as defaults. */
    public List<ParamSpec> parameters() {
        List<ParamSpec> specs = new ArrayList<>();
        specs.add(ParamSpec.ofInt("epochs", epochs, "passes over the training set"));
        specs.add(ParamSpec.ofInt("batch_size", batchSize, "samples per SGD step"));
        specs.addAll(LearningRateSchedule.parameters(schedule.base(), schedule.decayAt(), schedule.decayFactor()));
        specs.add(ParamSpec.ofDouble("momentum", momentum, "SGD momentum"));
        specs.add(ParamSpec.ofDouble("weight_decay", weightDecay, "L2 weight decay added to the gradient"));
        specs.add(ParamSpec.ofDouble("init_std", initStd, "from scratch: draw every weight from N(0, init_std^2), biases 0 "
                + "(matconvnet's 0.01*randn); 0 keeps the architecture's default (Xavier) initialisation"));
        specs.add(Augmentation.parameter());
        return specs;
    }

    /** Reads the settings back from resolved hyper-parameters and checks their ranges. */
    public static SgdSettings from(Hyperparameters p) {
        int epochs = p.getInt("epochs");
        require(epochs >= 0, "epochs", "an integer >= 0", epochs);
        SgdSettings s = new SgdSettings(
                epochs,
                p.getInt("batch_size"),
                p.getDouble("momentum"),
                p.getDouble("weight_decay"),
                p.getDouble("init_std"),
                LearningRateSchedule.from(p, epochs),
                Augmentation.check(p.getString("augmentation")));
        require(s.batchSize >= 1, "batch_size", "an integer >= 1", s.batchSize);
        require(s.momentum >= 0 && s.momentum < 1, "momentum", "a number in [0, 1)", s.momentum);
        require(s.weightDecay >= 0, "weight_decay", "a number >= 0", s.weightDecay);
        require(s.initStd >= 0, "init_std", "a number >= 0", s.initStd);
        return s;
    }

    static void require(boolean ok, String key, String expected, Object found) {
        if (!ok) {
            throw new IllegalArgumentException("parameter '" + key + "' must be " + expected + ", found " + found);
        }
    }
}
