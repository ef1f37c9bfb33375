package dev.defensebench.defenses;

import ai.djl.ndarray.NDArray;
import dev.defensebench.attacks.Pgd;
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
import java.util.function.Function;
import dev.defensebench.autograd.Scalars;

/**
 * TRADES (Zhang et al. 2019): {@code CE(f(x), y) + β·KL(f(x) ‖ f(x'))}, where x' maximises the KL term
 * over the ε-ball ({@link Pgd} with the KL as objective, the clean distribution held constant, random
 * start uniform in the ball; the reference code starts at {@code x + 0.001·N(0, I)} instead). In the
 * outer loss the gradient flows through both f(x) and f(x'), as in the reference code. Defaults are
 * the paper's MNIST ones: β = 6, Linf, ε = 0.3, 40 steps of 0.01.
 *
 * <p>BatchNorm: as in the reference code ({@code model.eval()} before the attack, {@code model.train()}
 * after), x' is searched in inference mode (running statistics, nothing updated) and both forwards of
 * the objective run in training mode.
 */
public final class Trades implements Defense {

    /** Mixed into the training seed so the PGD starts differ from the shuffling stream. */
    static final long SEED_SALT = 0x5452414445535FL;

    @Override
    public String name() {
        return "trades";
    }

    @Override
    public String description() {
        return "TRADES (Zhang 2019): CE(x) + beta*KL(f(x) || f(x')), x' by PGD on the KL term";
    }

    @Override
    public List<ParamSpec> parameters() {
        List<ParamSpec> specs = new ArrayList<>(SgdSettings.FROM_SCRATCH.parameters());
        specs.add(TrainingSubset.parameter());
        specs.addAll(InnerPgd.parameters(0.3, 40, 0.01));
        specs.add(ParamSpec.ofDouble("beta", 6, "weight of the KL (robustness) term"));
        return specs;
    }

    /**
     * The objective's settings.
     *
     * @param inner the threat model and PGD settings of the KL maximisation
     * @param beta the KL term's weight (>= 0)
     */
    public record Settings(InnerPgd inner, double beta) {

        public static Settings from(Hyperparameters p) {
            String owner = "defense 'trades'";
            Settings s = new Settings(InnerPgd.from(p, owner), p.getDouble("beta"));
            InnerPgd.require(s.beta >= 0 && !Double.isInfinite(s.beta), owner, "beta", "a finite number >= 0", s.beta);
            return s;
        }
    }

    @Override
    public void validate(Hyperparameters params) {
        SgdSettings.from(params);
        Settings.from(params);
        TrainingSubset.check(params, "defense 'trades'");
    }

    @Override
    public TrainedModel train(TrainingRequest full) {
        TrainingRequest request = TrainingSubset.apply(full, "defense 'trades'");
        Random random = new Random(request.seed() ^ SEED_SALT);
        return SgdTraining.train(request, SgdSettings.from(request.params()),
                loss(Settings.from(request.params()), random), name());
    }

    /** Per-sample {@code KL(softmax(p) ‖ softmax(q))} of logits {@code p}, {@code q} (N, K), as (N). */
    public static NDArray klPerSample(NDArray pLogits, NDArray qLogits) {
        NDArray logP = pLogits.logSoftmax(1);
        NDArray logQ = qLogits.logSoftmax(1);
        return logP.exp().mul(logP.sub(logQ)).sum(new int[] {1});
    }

    /** x': PGD on {@code KL(f(x) ‖ f(·))} around {@code x}, in the ε-ball and the box, no graph. */
    public static NDArray adversarialExamples(Classifier model, NDArray x, InnerPgd inner, Random random) {
        NDArray clean = model.logits(x).stopGradient();
        Function<NDArray, NDArray> kl = logits -> klPerSample(clean, logits);
        return Pgd.perturb(model, x, kl, inner.norm(), inner.eps(), inner.pgd(), random).stopGradient();
    }

    /** The TRADES objective for clean inputs {@code x} and given {@code adversarial} inputs. */
    public static LossTerms objective(Classifier model, NDArray x, NDArray adversarial, NDArray y, double beta) {
        NDArray logits = model.logits(x);
        NDArray advLogits = model.logits(adversarial);
        NDArray ce = Losses.crossEntropy(logits, y);
        NDArray kl = klPerSample(logits, advLogits).mean();
        Map<String, NDArray> terms = new LinkedHashMap<>();
        terms.put("ce", ce);
        terms.put("kl", kl);
        terms.put("adv_acc", AdversarialAccuracy.of(advLogits, y));
        return new LossTerms(ce.add(kl.mul(Scalars.of(kl, (float) beta))), logits, terms);
    }

    /** The batch objective, drawing PGD's random starts from {@code random}; terms shown: ce, kl, adv_acc. */
    public static BatchLoss loss(Settings s, Random random) {
        return (model, x, y) -> objective(model,
                x, adversarialExamples(model.inMode(ForwardMode.INFERENCE), x, s.inner(), random), y, s.beta());
    }
}
