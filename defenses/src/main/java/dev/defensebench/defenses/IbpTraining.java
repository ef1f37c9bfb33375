package dev.defensebench.defenses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import dev.defensebench.certifiers.Interval;
import dev.defensebench.certifiers.IntervalPropagation;
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
 * IBP training (Gowal et al. 2018): minimise {@code κ·CE(z(x), y) + (1 − κ)·CE(ẑ(x, ε), y)}, ẑ the
 * worst-case logits that interval bound propagation gives over the Linf ε-ball ∩ input box (last layer
 * elided, {@link IntervalPropagation#worstCaseLogits}), with the paper's schedule ({@link IbpSchedule}):
 * warm-up at ε = 0, then ε ramped linearly to {@code eps} while κ falls from 1 to {@code kappa_final}.
 * The warm-up and ramp are fractions of all training steps (the paper: 2,000 and 10,000 of 60,000 on
 * MNIST, ε_train = 0.4 for a test ε of 0.3, Adam; here SGD with the shared optimiser settings). The
 * bounds run the network in inference mode, so BatchNorm uses its running statistics.
 */
public final class IbpTraining implements Defense {

    private static final String OWNER = "defense 'ibp'";

    @Override
    public String name() {
        return "ibp";
    }

    @Override
    public String description() {
        return "IBP training (Gowal et al. 2018): kappa*CE + (1-kappa)*CE of the interval worst-case logits, eps ramp and kappa schedule";
    }

    @Override
    public List<ParamSpec> parameters() {
        List<ParamSpec> specs = new ArrayList<>(SgdSettings.FROM_SCRATCH.parameters());
        specs.add(TrainingSubset.parameter());
        specs.add(ParamSpec.ofDouble("eps", 0.4, "training Linf epsilon reached at the end of the ramp (input units)"));
        specs.add(ParamSpec.ofDouble("kappa_final", 0.5, "weight of the clean cross-entropy after the ramp"));
        specs.add(ParamSpec.ofDouble("warmup", 2000.0 / 60000, "fraction of the training steps at eps 0, kappa 1"));
        specs.add(ParamSpec.ofDouble("ramp", 10000.0 / 60000, "fraction of the training steps over which eps and kappa ramp"));
        return specs;
    }

    @Override
    public void validate(Hyperparameters p) {
        SgdSettings.from(p);
        TrainingSubset.check(p, OWNER);
        double eps = p.getDouble("eps");
        InnerPgd.require(eps >= 0 && Double.isFinite(eps), OWNER, "eps", "a finite number >= 0", eps);
        double kappa = p.getDouble("kappa_final");
        InnerPgd.require(kappa >= 0 && kappa <= 1, OWNER, "kappa_final", "a number in [0, 1]", kappa);
        double warmup = p.getDouble("warmup");
        double ramp = p.getDouble("ramp");
        InnerPgd.require(warmup >= 0 && warmup <= 1, OWNER, "warmup", "a fraction in [0, 1]", warmup);
        InnerPgd.require(ramp >= 0 && warmup + ramp <= 1, OWNER, "ramp", "a fraction in [0, 1 - warmup]", ramp);
    }

    @Override
    public TrainedModel train(TrainingRequest full) {
        TrainingRequest request = TrainingSubset.apply(full, OWNER);
        validate(request.params());
        SgdSettings settings = SgdSettings.from(request.params());
        long steps = (long) settings.epochs() * ((request.data().size() + settings.batchSize() - 1) / settings.batchSize());
        return SgdTraining.train(request, settings, loss(schedule(request.params(), steps)), name());
    }

    /** The schedule of {@code p} over {@code steps} training steps. */
    static IbpSchedule schedule(Hyperparameters p, long steps) {
        return new IbpSchedule(p.getDouble("eps"), p.getDouble("kappa_final"),
                Math.round(p.getDouble("warmup") * steps), Math.round(p.getDouble("ramp") * steps));
    }

    /**
     * The batch objective; each call is one training step of {@code schedule}. Terms shown: {@code ce}
     * (clean), {@code robust_ce}, {@code eps}, {@code verified} (fraction of the batch IBP verifies at
     * the step's ε).
     */
    static BatchLoss loss(IbpSchedule schedule) {
        long[] step = {0};
        return (model, x, y) -> {
            double eps = schedule.epsAt(step[0]);
            double kappa = schedule.kappaAt(step[0]);
            step[0]++;
            NDArray logits = model.logits(x);
            NDArray ce = Losses.crossEntropy(logits, y);
            NDList box = model.box().bounds(x);
            Interval in = new Interval(x.sub(eps).maximum(box.get(0)), x.add(eps).minimum(box.get(1)));
            NDArray worst = new IntervalPropagation().worstCaseLogits(model.block(), in, y.toLongArray());
            NDArray robustCe = Losses.crossEntropy(worst, y);
            NDArray total = ce.mul(Scalars.of(ce, kappa)).add(robustCe.mul(Scalars.of(robustCe, 1 - kappa)));
            Map<String, NDArray> terms = new LinkedHashMap<>();
            terms.put("ce", ce);
            terms.put("robust_ce", robustCe);
            terms.put("eps", x.getManager().create((float) eps));
            // verified: every worst-case logit but the label's (0) is below 0
            terms.put("verified", worst.max(new int[] {1}).lte(0).toType(ce.getDataType(), false).mean());
            return new LossTerms(total, logits, terms);
        };
    }
}
