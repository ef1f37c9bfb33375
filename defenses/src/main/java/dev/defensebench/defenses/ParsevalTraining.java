package dev.defensebench.defenses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.defensebench.model.ResidualSum;
import dev.defensebench.spi.Defense;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.ParamSpec;
import dev.defensebench.spi.TrainedModel;
import dev.defensebench.spi.TrainingRequest;
import dev.defensebench.train.AfterStep;
import dev.defensebench.train.LossTerms;
import dev.defensebench.train.Losses;
import dev.defensebench.train.SgdSettings;
import dev.defensebench.train.SgdTraining;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Parseval networks (Cisse et al. 2017): plain cross-entropy SGD, and after every optimiser step the
 * retraction {@code W_S ← (1 + β)·W_S − β·W_S·W_Sᵀ·W_S} of a random subset S of the rows of every weight
 * matrix (linear layers as they are, convolution kernels reshaped to {@code (out, in·kh·kw)}), which pulls
 * each layer toward a Parseval tight frame (singular values 1) and so keeps its spectral norm near or
 * below 1. Biases are left alone.
 *
 * <p>As in the paper, aggregation layers are kept convex: every residual sum ({@link ResidualSum}) of the
 * ResNet and WideResNet variants becomes {@code y = a₀·shortcut + a₁·branch} with (a₀, a₁) starting at
 * (½, ½), trained by SGD and projected back onto the probability simplex after every step. The plain
 * chains (mlp, lenet, convnet, nin) have no aggregation layers.
 *
 * <p>The trained model's notes record each weight's spectral norm (power iteration) under
 * {@code spectral_norm/<parameter>}.
 */
public final class ParsevalTraining implements Defense {

    /** Mixed into the training seed so the row sampling differs from the shuffling stream. */
    static final long SEED_SALT = 0x50415253L;

    /** Power-iteration steps used for the recorded spectral norms. */
    static final int POWER_ITERATIONS = 100;

    @Override
    public String name() {
        return "parseval";
    }

    @Override
    public String description() {
        return "Parseval networks (Cisse 2017): orthonormality retraction of every weight matrix after each SGD step";
    }

    @Override
    public List<ParamSpec> parameters() {
        List<ParamSpec> specs = new ArrayList<>(SgdSettings.FROM_SCRATCH.parameters());
        specs.add(TrainingSubset.parameter());
        specs.add(ParamSpec.ofDouble("beta", 0.0003, "retraction step: W <- (1 + beta) W - beta W W^T W"));
        specs.add(ParamSpec.ofDouble("row_fraction", 0.3, "fraction of each matrix's rows retracted per step (at least one)"));
        return specs;
    }

    /**
     * The retraction's settings.
     *
     * @param beta the retraction step β (> 0)
     * @param rowFraction the fraction of rows sampled per step, in (0, 1]
     */
    public record Settings(double beta, double rowFraction) {

        public static Settings from(Hyperparameters p) {
            Settings s = new Settings(p.getDouble("beta"), p.getDouble("row_fraction"));
            String owner = "defense 'parseval'";
            InnerPgd.require(s.beta > 0 && s.beta < 1, owner, "beta", "a number in (0, 1)", s.beta);
            InnerPgd.require(s.rowFraction > 0 && s.rowFraction <= 1, owner, "row_fraction", "a number in (0, 1]",
                    s.rowFraction);
            return s;
        }
    }

    @Override
    public void validate(Hyperparameters params) {
        SgdSettings.from(params);
        Settings.from(params);
        TrainingSubset.check(params, "defense 'parseval'");
    }

    @Override
    public TrainedModel train(TrainingRequest full) {
        TrainingRequest subset = TrainingSubset.apply(full, "defense 'parseval'");
        TrainingRequest request = new TrainingRequest(subset.data(), () -> convexAggregations(subset.architecture().get()),
                subset.params(), subset.seed(), subset.device(), subset.initialWeights(), subset.progress());
        Settings settings = Settings.from(request.params());
        Random random = new Random(request.seed() ^ SEED_SALT);
        TrainedModel model = SgdTraining.train(request, SgdSettings.from(request.params()), (net, x, y) -> {
            NDArray logits = net.logits(x);
            return new LossTerms(Losses.crossEntropy(logits, y), logits, Map.of());
        }, name(), retraction(settings, random));
        Random power = new Random(request.seed());
        try (NDScope scope = new NDScope()) {
            for (Pair<String, Parameter> p : weightMatrices(model.block())) {
                model.notes().put("spectral_norm/" + p.getKey(),
                        SpectralNorm.of(p.getValue().getArray(), POWER_ITERATIONS, power));
            }
        }
        return model;
    }

    /** {@code block} (not yet initialised) with every residual sum made a trainable convex combination. */
    static Block convexAggregations(Block block) {
        residualSums(block).forEach(ResidualSum::makeConvex);
        return block;
    }

    /** Every {@link ResidualSum} inside {@code block}, depth first. */
    static List<ResidualSum> residualSums(Block block) {
        List<ResidualSum> out = new ArrayList<>();
        if (block instanceof ResidualSum sum) {
            out.add(sum);
        }
        for (Pair<String, Block> child : block.getChildren()) {
            out.addAll(residualSums(child.getValue()));
        }
        return out;
    }

    /**
     * The after-step hook: {@link #retract} on every weight matrix with rows drawn from {@code random}, and
     * the residual sums' trainable weights projected onto the simplex.
     */
    public static AfterStep retraction(Settings s, Random random) {
        return block -> {
            for (ResidualSum sum : residualSums(block)) {
                if (sum.aggregation().requiresGradient()) {
                    NDArray a = sum.aggregation().getArray();
                    NDArray projected = a.getManager().create(SimplexProjection.project(a.toFloatArray()))
                            .toDevice(a.getDevice(), false);
                    a.muli(0).addi(projected);
                }
            }
            for (Pair<String, Parameter> p : weightMatrices(block)) {
                NDArray w = p.getValue().getArray();
                int rows = (int) w.getShape().get(0);
                int k = Math.max(1, (int) Math.round(s.rowFraction() * rows));
                retract(w, s.beta(), sampleRows(rows, k, random));
            }
        };
    }

    /** The parameters retracted: every weight with at least two dimensions (linear and conv kernels). */
    public static List<Pair<String, Parameter>> weightMatrices(Block block) {
        List<Pair<String, Parameter>> out = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            Parameter param = p.getValue();
            if (param.getType() == Parameter.Type.WEIGHT && param.getArray().getShape().dimension() >= 2) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * In place: {@code W_S ← (1 + β)·W_S − β·W_S·W_Sᵀ·W_S} for the rows {@code S} of {@code weight} viewed
     * as {@code (shape[0], rest)}; the other rows are unchanged.
     */
    public static void retract(NDArray weight, double beta, int[] rows) {
        NDManager m = weight.getManager();
        long out = weight.getShape().get(0);
        NDArray w = weight.reshape(out, -1);
        long[] index = new long[rows.length];
        for (int i = 0; i < rows.length; i++) {
            index[i] = rows[i];
        }
        // Selection matrix P (|S| × out): W_S = P·W, and the update is scattered back with Pᵀ.
        NDArray select = m.create(index).oneHot((int) out).toType(weight.getDataType(), false)
                .toDevice(weight.getDevice(), false);
        NDArray ws = select.matMul(w);
        NDArray change = ws.mul((float) beta).sub(ws.matMul(ws.transpose()).matMul(ws).mul((float) beta));
        weight.addi(select.transpose().matMul(change).reshape(weight.getShape()));
    }

    /** {@code k} distinct row indices out of {@code rows}, uniformly (partial Fisher–Yates). */
    static int[] sampleRows(int rows, int k, Random random) {
        int[] all = new int[rows];
        for (int i = 0; i < rows; i++) {
            all[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(rows - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return java.util.Arrays.copyOf(all, k);
    }

    /** ‖W·Wᵀ − I‖_F of {@code weight} viewed as {@code (shape[0], rest)}. */
    public static double orthogonalityGap(NDArray weight) {
        NDArray w = weight.stopGradient().toType(ai.djl.ndarray.types.DataType.FLOAT64, false)
                .reshape(weight.getShape().get(0), -1);
        NDArray gram = w.matMul(w.transpose());
        NDArray eye = w.getManager().eye((int) w.getShape().get(0)).toType(gram.getDataType(), false)
                .toDevice(gram.getDevice(), false);
        return gram.sub(eye).norm().getDouble();
    }
}
