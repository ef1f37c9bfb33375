package dev.defensebench.certifiers;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.spi.Certification;
import dev.defensebench.spi.Certifier;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.NotCertifiableException;
import dev.defensebench.spi.ParamSpec;
import java.util.List;

/**
 * Verified accuracy under ℓ∞ by interval bound propagation (Gowal et al. 2018): a point is verified at ε
 * when the lower bound of every margin {@code z_y − z_j} over the ε-ball (intersected with the input box)
 * is positive, the last Linear layer elided into the margins ({@link IntervalPropagation}). The bounds
 * grow with ε, so a point verified at ε is verified at every smaller ε; the certified radius of a point
 * is the largest ε of the grid up to which every ε is verified (0 for a correct but unverified point).
 * With {@code bound: crown-ibp} each margin's lower bound is the larger of the interval bound and CROWN-IBP's
 * ({@link CrownIbp}), for the sequential networks CROWN-IBP handles. Deterministic: no randomness.
 */
public final class IntervalBoundPropagation implements Certifier {

    @Override
    public String name() {
        return "ibp";
    }

    @Override
    public String description() {
        return "interval bound propagation (Gowal et al. 2018): Linf verified accuracy at every eps of the grid";
    }

    @Override
    public String displayName() {
        return "IBP";
    }

    @Override
    public Norm norm() {
        return Norm.LINF;
    }

    @Override
    public String whyNotCertifiable(Block network) {
        return IntervalPropagation.whyNot(network);
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(ParamSpec.ofInt("batch", 256, "images per bound computation"),
                ParamSpec.ofString("bound", IBP, "'ibp' (interval bounds) or 'crown-ibp' (the tighter, at each margin, of "
                        + "the interval bound and CROWN-IBP's, Zhang et al. 2020; sequential Linear/Conv2d/BatchNorm/ReLU "
                        + "networks only)"));
    }

    /** The values of parameter {@code bound}. */
    public static final String IBP = "ibp";
    /** See {@link #IBP}. */
    public static final String CROWN_IBP = "crown-ibp";

    @Override
    public void validate(Hyperparameters params) {
        batch(params);
        crown(params);
    }

    private static boolean crown(Hyperparameters params) {
        String bound = params.getString("bound");
        if (!bound.equals(IBP) && !bound.equals(CROWN_IBP)) {
            throw new IllegalArgumentException("certifier 'ibp': parameter 'bound' must be 'ibp' or 'crown-ibp', found '"
                    + bound + "'");
        }
        return bound.equals(CROWN_IBP);
    }

    private static int batch(Hyperparameters params) {
        int batch = params.getInt("batch");
        if (batch < 1) {
            throw new IllegalArgumentException("certifier 'ibp': parameter 'batch' must be an integer >= 1, found " + batch);
        }
        return batch;
    }

    @Override
    public Certification certify(Classifier model, NDArray inputs, NDArray labels, List<Double> radii,
            Hyperparameters params, long seed) {
        Block block = blockOf(model);
        int batch = batch(params);
        boolean crown = crown(params);
        String why = crown ? CrownIbp.whyNot(block) : null;
        if (why != null) {
            throw new NotCertifiableException("certifier 'ibp' (bound crown-ibp): " + why);
        }
        long[] y = labels.toType(DataType.INT64, false).toLongArray();
        int n = y.length;
        int[] predicted = new int[n];
        double[] radius = new double[n];
        for (int start = 0; start < n; start += batch) {
            int end = Math.min(n, start + batch);
            try (NDScope scope = new NDScope()) {
                NDArray x = inputs.get(new NDIndex(start + ":" + end));
                long[] part = java.util.Arrays.copyOfRange(y, start, end);
                long[] clean = Autograd.notRecording(() -> model.logits(x).argMax(1)).toType(DataType.INT64, false).toLongArray();
                boolean[] stillVerified = new boolean[part.length];
                for (int i = 0; i < part.length; i++) {
                    predicted[start + i] = (int) clean[i];
                    stillVerified[i] = clean[i] == part[i];
                }
                for (double eps : radii) {
                    if (eps <= 0) {
                        continue;
                    }
                    boolean[] ok = verified(model, block, x, part, eps, crown);
                    for (int i = 0; i < part.length; i++) {
                        stillVerified[i] &= ok[i];
                        if (stillVerified[i]) {
                            radius[start + i] = eps;
                        }
                    }
                }
            }
        }
        return new Certification(predicted, radius);
    }

    /** Whether each point of {@code x} with labels {@code y} is verified in the ε-ball ∩ box. */
    public static boolean[] verified(Classifier model, NDArray x, long[] y, double eps) {
        return verified(model, blockOf(model), x, y, eps, false);
    }

    /**
     * As {@link #verified(Classifier, NDArray, long[], double)}; with {@code crown}, a margin's lower bound is the
     * larger of the interval bound and the CROWN-IBP bound (both are sound).
     */
    private static boolean[] verified(Classifier model, Block block, NDArray x, long[] y, double eps, boolean crown) {
        return Autograd.notRecording(() -> {
            NDList box = model.box().bounds(x);
            Interval in = new Interval(x.sub(eps).maximum(box.get(0)), x.add(eps).minimum(box.get(1)));
            NDArray ibp = new IntervalPropagation().marginLowerBounds(block, in, y);
            NDArray margins = crown ? ibp.maximum(new CrownIbp().marginLowerBounds(block, in, y)) : ibp;
            boolean[] out = new boolean[y.length];
            double[] worst = margins.min(new int[] {1}).toType(DataType.FLOAT64, false).toDoubleArray();
            for (int i = 0; i < out.length; i++) {
                out[i] = worst[i] > 0;
            }
            return out;
        });
    }

    /** The network of a model built from DJL blocks; other models are refused with the reason. */
    static Block blockOf(Classifier model) {
        if (model instanceof BlockClassifier b) {
            return b.block();
        }
        throw new NotCertifiableException("certifier 'ibp': not certifiable: the model (" + model.getClass().getSimpleName()
                + ") is not a network of DJL blocks, so its layers cannot be bounded");
    }
}
