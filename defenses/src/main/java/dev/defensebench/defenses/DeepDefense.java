package dev.defensebench.defenses;

import ai.djl.ndarray.NDArray;
import dev.defensebench.attacks.DeepFool;
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
import dev.defensebench.spi.Norm;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.model.ForwardMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.autograd.Scalars;

/**
 * Deep Defense (Yan, Guo, Zhang, NeurIPS 2018): cross-entropy plus a regularizer on the DeepFool
 * perturbation of every training sample,
 *
 * <pre>
 *   L = mean CE + (λ / B) · [ Σ_correct exp(−c·‖Δx‖/‖x‖) + Σ_wrong exp(d·‖Δx‖/‖x‖) ]
 * </pre>
 *
 * where Δx is the unrolled DeepFool perturbation and the gradient flows through all of it (second
 * order). Defaults are the paper's MNIST settings; it normally fine-tunes a vanilla model.
 *
 * <p>BatchNorm: the DeepFool unroll runs in inference mode (running statistics, nothing updated), so
 * every sample's perturbation depends on that sample alone, as DeepFool's per-sample linearisation
 * assumes (the authors' networks have no BatchNorm); the cross-entropy runs in training mode.
 */
public final class DeepDefense implements Defense {

    /** Keeps ‖x‖ away from zero for an all-zero input (the paper's code uses a small epsilon too). */
    static final double NORM_EPS = 1e-12;

    @Override
    public String name() {
        return "deep-defense";
    }

    @Override
    public String description() {
        return "Deep Defense (Yan et al. 2018): DeepFool-perturbation regularizer, exact second-order training";
    }

    @Override
    public List<ParamSpec> parameters() {
        List<ParamSpec> specs = new ArrayList<>(SgdSettings.FINE_TUNE.parameters());
        specs.add(ParamSpec.ofDouble("lambda", 15, "regularizer weight λ"));
        specs.add(ParamSpec.ofDouble("c", 25, "scale for correctly classified samples: exp(-c·‖Δx‖/‖x‖)"));
        specs.add(ParamSpec.ofDouble("d", 5, "scale for misclassified samples: exp(d·‖Δx‖/‖x‖)"));
        specs.add(ParamSpec.ofInt("max_iter", 5, "DeepFool steps unrolled in the regularizer"));
        specs.add(ParamSpec.ofDouble("overshoot", 0.02, "DeepFool overshoot"));
        specs.add(ParamSpec.ofInt("candidates", DeepFool.DEFAULT_CANDIDATES, "DeepFool's classes per sample: the "
                + "top-scoring ones at the clean input (all classes when there are no more)"));
        return specs;
    }

    /** The regularizer's settings, read from resolved hyper-parameters. */
    public record Settings(double lambda, double c, double d, DeepFool.Settings deepFool) {

        public static Settings from(Hyperparameters p) {
            return new Settings(p.getDouble("lambda"), p.getDouble("c"), p.getDouble("d"),
                    new DeepFool.Settings(p.getInt("max_iter"), p.getDouble("overshoot"), true,
                            DeepFool.Route.CHOSEN_DIFFERENCE).withCandidates(p.getInt("candidates")));
        }
    }

    @Override
    public void validate(Hyperparameters params) {
        SgdSettings.from(params);
        Settings.from(params);
    }

    @Override
    public TrainedModel train(TrainingRequest request) {
        SgdSettings sgd = SgdSettings.from(request.params());
        Settings settings = Settings.from(request.params());
        long[] regularizerNanos = {0};
        TrainedModel model = SgdTraining.train(request, sgd, loss(settings, regularizerNanos), name());
        double trainSeconds = model.epochSeconds().stream().mapToDouble(Double::doubleValue).sum();
        double unrollSeconds = regularizerNanos[0] / 1e9;
        // Forward unroll only; its backward (second order) is inside the optimiser step's gradient call.
        model.notes().put("regularizer_forward_seconds", unrollSeconds);
        model.notes().put("regularizer_forward_share", trainSeconds > 0 ? unrollSeconds / trainSeconds : Double.NaN);
        return model;
    }

    /** The full Deep Defense objective for one batch (exposed for the gradient tests). */
    public static BatchLoss loss(Settings s) {
        return loss(s, new long[1]);
    }

    private static BatchLoss loss(Settings s, long[] regularizerNanos) {
        return (model, x, y) -> {
            BlockClassifier inference = model.inMode(ForwardMode.INFERENCE);
            DeepFool.Start shared = inference.sameInEveryMode() ? sharedStart(model, x) : null;
            NDArray logits = shared != null ? shared.logits() : model.logits(x);
            NDArray ce = Losses.crossEntropy(logits, y);
            long start = System.nanoTime();
            Regularizer r = regularizer(inference, x, y, s, shared);
            regularizerNanos[0] += System.nanoTime() - start;
            NDArray total = ce.add(r.value());
            Map<String, NDArray> terms = new LinkedHashMap<>();
            terms.put("ce", ce);
            terms.put("reg", r.value());
            terms.put("rho", r.meanRatio());
            return new LossTerms(total, logits, terms);
        };
    }

    /** The regularizer value (already divided by the batch size) and the batch's mean ‖Δx‖/‖x‖. */
    public record Regularizer(NDArray value, NDArray meanRatio) {}

    /**
     * The clean batch's forward pass, shared by the cross-entropy and the unroll's first step when the network
     * computes the same in training and inference mode: one forward pass and its backward fewer per step.
     */
    private static DeepFool.Start sharedStart(BlockClassifier model, NDArray x) {
        return Autograd.recording(() -> Autograd.secondOrder(() -> {
            NDArray leaf = Autograd.leaf(x.reshape(x.getShape().get(0), -1));
            return new DeepFool.Start(leaf, model.logits(leaf.reshape(x.getShape())));
        }));
    }

    /** (λ / B) · [Σ_correct exp(−c·ρ) + Σ_wrong exp(d·ρ)] with ρ = ‖Δx‖₂/‖x‖₂ from the DeepFool unroll. */
    public static Regularizer regularizer(BlockClassifier model, NDArray x, NDArray y, Settings s) {
        return regularizer(model, x, y, s, null);
    }

    /**
     * The regularizer with the unroll started from {@code start} (see {@link DeepFool.Start}; null: its own
     * forward pass).
     */
    public static Regularizer regularizer(BlockClassifier model, NDArray x, NDArray y, Settings s, DeepFool.Start start) {
        DeepFool.Unroll unroll = DeepFool.unroll(model, x, y, s.deepFool(), start);
        NDArray ratio = Norm.L2.perSample(unroll.perturbation())
                .div(Norm.L2.perSample(x).add(NORM_EPS));
        boolean[] correct = unroll.wasCorrect();
        float[] sign = new float[correct.length];
        float[] scale = new float[correct.length];
        for (int i = 0; i < correct.length; i++) {
            sign[i] = correct[i] ? -1f : 1f;
            scale[i] = (float) (correct[i] ? s.c() : s.d());
        }
        NDArray exponent = ratio.mul(x.getManager().create(sign).mul(x.getManager().create(scale))
                .toType(x.getDataType(), false));
        NDArray sum = exponent.exp().sum();
        NDArray value = sum.mul(Scalars.of(sum, (float) (s.lambda() / correct.length)));
        return new Regularizer(value, ratio.stopGradient().mean());
    }
}
