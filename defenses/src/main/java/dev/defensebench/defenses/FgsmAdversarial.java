package dev.defensebench.defenses;

import ai.djl.ndarray.NDArray;
import dev.defensebench.attacks.Fgsm;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.model.ForwardMode;
import dev.defensebench.spi.Classifier;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.defensebench.autograd.Scalars;

/**
 * FGSM adversarial training (Goodfellow, Shlens, Szegedy 2015):
 * {@code J = α·CE(x) + (1 − α)·CE(x + ε·sign ∇ₓCE(x))}, the adversarial example made by {@link Fgsm#step}
 * with the current weights (clipped into the input box) and treated as a constant.
 *
 * <p>BatchNorm: the FGSM step runs on the batch's statistics, as the reference implementation of FGSM
 * training with BatchNorm (Wong, Rice, Kolter 2020, {@code train()} throughout) does, but leaves the
 * running statistics untouched ({@link ForwardMode#BATCH_STATISTICS}); the objective runs in training
 * mode. A clean forward made only to report {@code ce} (α = 0) runs in inference mode.
 */
public final class FgsmAdversarial implements Defense {

    @Override
    public String name() {
        return "fgsm-adversarial";
    }

    @Override
    public String description() {
        return "FGSM adversarial training (Goodfellow 2015): alpha*CE(x) + (1-alpha)*CE(FGSM(x)), Linf";
    }

    @Override
    public List<ParamSpec> parameters() {
        List<ParamSpec> specs = new ArrayList<>(SgdSettings.FROM_SCRATCH.parameters());
        specs.add(TrainingSubset.parameter());
        specs.add(ParamSpec.ofDouble("eps", 0.25, "Linf FGSM step of the training examples (input units; the paper's MNIST value)"));
        specs.add(ParamSpec.ofDouble("alpha", 0.5, "weight of the clean cross-entropy; 1 - alpha weighs the adversarial one"));
        return specs;
    }

    /**
     * The objective's settings.
     *
     * @param eps the FGSM step (Linf radius)
     * @param alpha the clean term's weight, in [0, 1]
     */
    public record Settings(double eps, double alpha) {

        public static Settings from(Hyperparameters p) {
            Settings s = new Settings(p.getDouble("eps"), p.getDouble("alpha"));
            String owner = "defense 'fgsm-adversarial'";
            InnerPgd.require(s.eps > 0 && !Double.isInfinite(s.eps), owner, "eps", "a finite number > 0", s.eps);
            InnerPgd.require(s.alpha >= 0 && s.alpha <= 1, owner, "alpha", "a number in [0, 1]", s.alpha);
            return s;
        }
    }

    @Override
    public void validate(Hyperparameters params) {
        SgdSettings.from(params);
        Settings.from(params);
        TrainingSubset.check(params, "defense 'fgsm-adversarial'");
    }

    @Override
    public TrainedModel train(TrainingRequest full) {
        TrainingRequest request = TrainingSubset.apply(full, "defense 'fgsm-adversarial'");
        return SgdTraining.train(request, SgdSettings.from(request.params()), loss(Settings.from(request.params())), name());
    }

    /** The training examples: one FGSM step from {@code x} on the labels' cross-entropy, in the box, no graph. */
    public static NDArray adversarialExamples(Classifier model, NDArray x, NDArray y, Settings s) {
        return Fgsm.step(model, x, y, s.eps()).stopGradient();
    }

    /** The batch objective; terms shown: {@code ce} (clean), {@code adv_ce}, {@code adv_acc}. */
    public static BatchLoss loss(Settings s) {
        return (model, x, y) -> {
            NDArray adversarial = adversarialExamples(model.inMode(ForwardMode.BATCH_STATISTICS), x, y, s);
            BlockClassifier inference = model.inMode(ForwardMode.INFERENCE);
            NDArray logits = s.alpha() > 0 ? model.logits(x) : Autograd.notRecording(() -> inference.logits(x));
            NDArray ce = Losses.crossEntropy(logits, y);
            NDArray advLogits = model.logits(adversarial);
            NDArray advCe = Losses.crossEntropy(advLogits, y);
            NDArray total = s.alpha() > 0
                    ? ce.mul(Scalars.of(ce, (float) s.alpha())).add(advCe.mul(Scalars.of(advCe, (float) (1 - s.alpha())))) : advCe;
            Map<String, NDArray> terms = new LinkedHashMap<>();
            terms.put("ce", ce);
            terms.put("adv_ce", advCe);
            terms.put("adv_acc", AdversarialAccuracy.of(advLogits, y));
            return new LossTerms(total, logits, terms);
        };
    }
}
