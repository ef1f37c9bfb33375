package dev.defensebench.train;

import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.ParamSpec;
import java.util.List;
import java.util.Locale;

/**
 * The learning rate over training: {@code step} (× {@code decayFactor} from {@code decayAt} × epochs on),
 * {@code multistep} (× {@code decayFactor} at each milestone, a fraction of the epochs: the CIFAR
 * adversarial-training recipe is 100 epochs with milestones 0.5 and 0.75), or {@code cosine} (annealed
 * from the base rate to 0 along half a cosine). Any of them can start with a linear warm-up over
 * {@code warmupEpochs} (fractions allowed), step by step from {@code base / warm-up steps} to the base rate;
 * the cosine then spans the epochs after the warm-up.
 *
 * @param kind "step", "multistep" or "cosine"
 * @param base the initial (peak) rate
 * @param epochs the training length
 * @param decayAt step: fraction of the epochs after which the rate is scaled
 * @param decayFactor step and multistep: the factor applied at each decay
 * @param milestones multistep: increasing fractions of the epochs, each in (0, 1]
 * @param warmupEpochs epochs of linear warm-up, in [0, epochs)
 */
public record LearningRateSchedule(
        String kind, double base, int epochs, double decayAt, double decayFactor, List<Double> milestones,
        double warmupEpochs) {

    /** The schedule kinds. */
    public static final List<String> KINDS = List.of("step", "multistep", "cosine");

    /** The parameter declarations with these defaults (kind "step", milestones 0.5 and 0.75, no warm-up). */
    static List<ParamSpec> parameters(double base, double decayAt, double decayFactor) {
        return List.of(
                ParamSpec.ofDouble("lr", base, "initial learning rate (the peak after any warm-up)"),
                ParamSpec.ofString("lr_schedule", "step", "learning-rate schedule: step (lr_decay_at), multistep "
                        + "(lr_milestones) or cosine (annealed to 0)"),
                ParamSpec.ofDouble("lr_decay_at", decayAt, "step: fraction of the epochs after which the lr is scaled"),
                ParamSpec.ofDouble("lr_decay_factor", decayFactor, "step and multistep: factor applied at each decay"),
                ParamSpec.ofDoubleList("lr_milestones", List.of(0.5, 0.75),
                        "multistep: fractions of the epochs at which the lr is scaled by lr_decay_factor"),
                ParamSpec.ofDouble("warmup_epochs", 0, "epochs of linear learning-rate warm-up (fractions allowed)"));
    }

    /** Reads the schedule back from resolved hyper-parameters and checks it. */
    static LearningRateSchedule from(Hyperparameters p, int epochs) {
        LearningRateSchedule s = new LearningRateSchedule(p.getString("lr_schedule").strip().toLowerCase(Locale.ROOT),
                p.getDouble("lr"), epochs, p.getDouble("lr_decay_at"), p.getDouble("lr_decay_factor"),
                p.getDoubleList("lr_milestones"), p.getDouble("warmup_epochs"));
        SgdSettings.require(KINDS.contains(s.kind), "lr_schedule", "one of " + String.join(", ", KINDS),
                "'" + p.getString("lr_schedule") + "'");
        SgdSettings.require(s.base > 0 && !Double.isInfinite(s.base), "lr", "a finite number > 0", s.base);
        SgdSettings.require(s.decayAt >= 0 && s.decayAt <= 1, "lr_decay_at", "a number in [0, 1]", s.decayAt);
        SgdSettings.require(s.decayFactor > 0, "lr_decay_factor", "a number > 0", s.decayFactor);
        SgdSettings.require(s.warmupEpochs >= 0 && (s.warmupEpochs < epochs || s.warmupEpochs == 0), "warmup_epochs",
                "a number in [0, epochs) (epochs = " + epochs + ")", s.warmupEpochs);
        if (s.kind.equals("multistep")) {
            SgdSettings.require(!s.milestones.isEmpty(), "lr_milestones", "a non-empty list for lr_schedule multistep",
                    s.milestones);
            for (int i = 0; i < s.milestones.size(); i++) {
                double m = s.milestones.get(i);
                SgdSettings.require(m > 0 && m <= 1 && (i == 0 || m > s.milestones.get(i - 1)), "lr_milestones",
                        "increasing fractions of the epochs, each in (0, 1]", s.milestones);
            }
        }
        return s;
    }

    /** The rate for step {@code step} (0-based) of epoch {@code epoch} (0-based), with {@code stepsPerEpoch} steps. */
    public double rateAt(int epoch, int step, int stepsPerEpoch) {
        double progress = epoch + (double) step / stepsPerEpoch;
        double warmupSteps = warmupEpochs * stepsPerEpoch;
        long globalStep = (long) epoch * stepsPerEpoch + step;
        double warmup = globalStep < warmupSteps ? (globalStep + 1) / Math.ceil(warmupSteps) : 1;
        return base * warmup * decay(epoch, progress);
    }

    private double decay(int epoch, double progress) {
        switch (kind) {
            case "multistep": {
                double factor = 1;
                for (double m : milestones) {
                    if (epoch >= Math.round(m * epochs)) {
                        factor *= decayFactor;
                    }
                }
                return factor;
            }
            case "cosine": {
                if (progress < warmupEpochs) {
                    return 1;
                }
                double t = (progress - warmupEpochs) / (epochs - warmupEpochs);
                return 0.5 * (1 + Math.cos(Math.PI * Math.min(1, t)));
            }
            default:
                return epoch >= Math.round(decayAt * epochs) ? decayFactor : 1;
        }
    }
}
