package dev.defensebench.defenses;

import ai.djl.ndarray.NDArray;
import dev.defensebench.attacks.Pgd;
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
import java.util.Random;
import dev.defensebench.autograd.Scalars;

/**
 * PGD adversarial training (Madry et al. 2018): minimise the cross-entropy at the point {@link Pgd}
 * finds in the ε-ball (random start, projected steps, clipped into the input box), optionally mixed
 * with the clean loss: {@code J = w·CE(x) + (1 − w)·CE(x_pgd)} with {@code w = clean_weight} (0 = Madry).
 * Defaults are Madry's MNIST ones for [0,1] pixels: Linf, ε = 0.3, 40 steps of 0.01.
 *
 * <p>BatchNorm: PGD runs the network in inference mode (running statistics, nothing updated), as the
 * Madry lab's {@code robustness} library does ({@code eval()} around the attack); the training
 * cross-entropy runs in training mode. A clean forward made only to report {@code ce} runs in inference
 * mode, so only the objective's forwards update the running statistics.
 */
public final class PgdAdversarial implements Defense {

    /** Mixed into the training seed so the PGD starts differ from the shuffling stream. */
    static final long SEED_SALT = 0x5047445F4154L;

    @Override
    public String name() {
        return "pgd-adversarial";
    }

    @Override
    public String description() {
        return "PGD adversarial training (Madry 2018): CE at the PGD point of the eps-ball, Linf or L2";
    }

    @Override
    public List<ParamSpec> parameters() {
        List<ParamSpec> specs = new ArrayList<>(SgdSettings.FROM_SCRATCH.parameters());
        specs.add(TrainingSubset.parameter());
        specs.addAll(InnerPgd.parameters(0.3, 40, 0.01));
        specs.add(ParamSpec.ofDouble("clean_weight", 0, "weight w of the clean cross-entropy; 1 - w weighs the PGD one"));
        return specs;
    }

    /**
     * The objective's settings.
     *
     * @param inner the threat model and PGD settings of the inner maximisation
     * @param cleanWeight the clean term's weight, in [0, 1]
     */
    public record Settings(InnerPgd inner, double cleanWeight) {

        public static Settings from(Hyperparameters p) {
            String owner = "defense 'pgd-adversarial'";
            Settings s = new Settings(InnerPgd.from(p, owner), p.getDouble("clean_weight"));
            InnerPgd.require(s.cleanWeight >= 0 && s.cleanWeight <= 1, owner, "clean_weight", "a number in [0, 1]",
                    s.cleanWeight);
            return s;
        }
    }

    @Override
    public void validate(Hyperparameters params) {
        SgdSettings.from(params);
        Settings.from(params);
        TrainingSubset.check(params, "defense 'pgd-adversarial'");
    }

    @Override
    public TrainedModel train(TrainingRequest full) {
        TrainingRequest request = TrainingSubset.apply(full, "defense 'pgd-adversarial'");
        Random random = new Random(request.seed() ^ SEED_SALT);
        return SgdTraining.train(request, SgdSettings.from(request.params()),
                loss(Settings.from(request.params()), random), name());
    }

    /** The training examples: PGD on the labels' cross-entropy, in the ε-ball and the box, no graph. */
    public static NDArray adversarialExamples(Classifier model, NDArray x, NDArray y, InnerPgd inner, Random random) {
        return Pgd.perturb(model, x, Pgd.crossEntropy(y), inner.norm(), inner.eps(), inner.pgd(), random)
                .stopGradient();
    }

    /**
     * The batch objective, drawing PGD's random starts from {@code random}; terms shown: {@code ce}
     * (clean), {@code adv_ce}, {@code adv_acc}.
     */
    public static BatchLoss loss(Settings s, Random random) {
        return (model, x, y) -> {
            BlockClassifier inference = model.inMode(ForwardMode.INFERENCE);
            NDArray adversarial = adversarialExamples(inference, x, y, s.inner(), random);
            NDArray logits = s.cleanWeight() > 0 ? model.logits(x) : Autograd.notRecording(() -> inference.logits(x));
            NDArray ce = Losses.crossEntropy(logits, y);
            NDArray advLogits = model.logits(adversarial);
            NDArray advCe = Losses.crossEntropy(advLogits, y);
            NDArray total = s.cleanWeight() > 0
                    ? ce.mul(Scalars.of(ce, (float) s.cleanWeight())).add(advCe.mul(Scalars.of(advCe, (float) (1 - s.cleanWeight()))))
                    : advCe;
            Map<String, NDArray> terms = new LinkedHashMap<>();
            terms.put("ce", ce);
            terms.put("adv_ce", advCe);
            terms.put("adv_acc", AdversarialAccuracy.of(advLogits, y));
            return new LossTerms(total, logits, terms);
        };
    }
}
