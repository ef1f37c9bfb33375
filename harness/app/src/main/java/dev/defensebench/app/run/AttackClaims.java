package dev.defensebench.app.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import java.util.List;

/**
 * The harness's own check of what an attack returns, for every plugin (AutoAttack does this for its own
 * attacks): a point the attack says fools the model must lie within ε of its input in the attack's norm
 * (up to a float tolerance of {@value #RELATIVE_TOLERANCE} × (ε + ‖x‖)), inside the model's input box,
 * and be misclassified when the model is run once more on it. A claim that fails any check counts as not
 * fooled. A returned point that passes every check counts as fooled whether claimed or not: it is a valid
 * adversarial example, and on a randomized model that one verifying forward decides, as AutoAttack's final
 * check of each attack's points does (an attack's own claim rests on other draws). A min-norm attack's distances are recomputed from its returned points (a point that is not
 * adversarial, leaves the box or is farther than claimed gets no distance; the box is not checked for
 * a result that declares itself unconstrained, {@link AttackResult#inBox()} false). Points the model
 * misclassifies without attack are broken at every ε and need no claim.
 */
final class AttackClaims {

    /** Relative float tolerance of the norm comparisons. */
    static final double RELATIVE_TOLERANCE = 1e-5;

    /**
     * The verified outcome of one batch.
     *
     * @param broken per ε of the grid, per sample: misclassified without attack or by its verified returned point
     * @param distances for a min-norm attack, per sample the recomputed distance of a verified point
     *     (+Inf where there is none); null for a fixed-ε attack
     * @param inputNorms per sample ‖x‖₂ (the denominator of ρ2)
     * @param claims the number of claims checked
     * @param rejected the number of claims that failed a check
     */
    record Verified(boolean[][] broken, float[] distances, float[] inputNorms, int claims, int rejected) {}

    private AttackClaims() {}

    /** Checks {@code result}, the attack's answer for inputs {@code x} with true {@code labels} on the grid {@code epsilons}. */
    static Verified verify(Classifier model, NDArray x, NDArray labels, AttackResult result, List<Double> epsilons) {
        int n = (int) x.getShape().get(0);
        float[] xs = floats(x);
        long[] truth = labels.toType(DataType.INT64, false).toLongArray();
        long[] clean = model.predict(x).toLongArray();
        float[] inputNorms = new float[n];
        for (int i = 0; i < n; i++) {
            inputNorms[i] = (float) distance(xs, null, i, xs.length / n, Norm.L2);
        }
        if (result.outcomes().size() != epsilons.size()) {
            throw new IllegalStateException(result.attack() + ": returned " + result.outcomes().size()
                    + " outcomes for " + epsilons.size() + " epsilons");
        }
        int[] counts = new int[2];
        if (result.distances() != null) {
            float[] distances = minNormDistances(model, x, xs, clean, result, counts);
            boolean[][] broken = new boolean[epsilons.size()][n];
            for (int e = 0; e < epsilons.size(); e++) {
                for (int i = 0; i < n; i++) {
                    broken[e][i] = clean[i] != truth[i] || distances[i] <= epsilons.get(e);
                }
            }
            return new Verified(broken, distances, inputNorms, counts[0], counts[1]);
        }
        boolean[][] broken = new boolean[epsilons.size()][n];
        for (int e = 0; e < epsilons.size(); e++) {
            NDArray adversarial = requireShape(result, result.outcomes().get(e).adversarial(), x);
            boolean[] claimed = result.outcomes().get(e).success();
            boolean[] admissible = admissible(xs, floats(adversarial), model.box(), result.norm(), epsilons.get(e), n);
            long[] predicted = model.predict(adversarial).toLongArray();
            for (int i = 0; i < n; i++) {
                boolean cleanWrong = clean[i] != truth[i];
                boolean claim = !cleanWrong && claimed[i];
                boolean holds = admissible[i] && predicted[i] != truth[i];
                counts[0] += claim ? 1 : 0;
                counts[1] += claim && !holds ? 1 : 0;
                broken[e][i] = cleanWrong || holds;
            }
        }
        return new Verified(broken, null, inputNorms, counts[0], counts[1]);
    }

    /**
     * Per sample, whether {@code adversarial} lies in {@code box} and within {@code eps} of {@code x} in
     * {@code norm} (the check of a transfer attack's examples, whose claims are the surrogate's).
     */
    static boolean[] admissible(NDArray x, NDArray adversarial, InputBox box, Norm norm, double eps) {
        return admissible(floats(x), floats(adversarial), box, norm, eps, (int) x.getShape().get(0));
    }

    /** The recomputed distances of a min-norm result; counts[0] += claims, counts[1] += rejected claims. */
    private static float[] minNormDistances(Classifier model, NDArray x, float[] xs, long[] clean, AttackResult result,
            int[] counts) {
        if (result.points() == null) {
            throw new IllegalStateException(result.attack() + ": a min-norm attack must return the points it found "
                    + "(AttackResult.points), so that the harness can check them");
        }
        NDArray points = requireShape(result, result.points(), x);
        int n = clean.length;
        int per = xs.length / n;
        float[] ps = floats(points);
        long[] predicted = model.predict(points).toLongArray();
        boolean[] inBox = result.inBox() ? admissible(xs, ps, model.box(), result.norm(), Double.POSITIVE_INFINITY, n)
                : everywhere(n);
        float[] distances = new float[n];
        for (int i = 0; i < n; i++) {
            float claimed = result.distances()[i];
            double actual = distance(xs, ps, i, per, result.norm());
            boolean claim = Float.isFinite(claimed);
            boolean holds = inBox[i] && predicted[i] != clean[i]
                    && actual <= claimed + RELATIVE_TOLERANCE * (claimed + distance(xs, null, i, per, result.norm()));
            counts[0] += claim ? 1 : 0;
            counts[1] += claim && !holds ? 1 : 0;
            distances[i] = claim && holds ? (float) actual : Float.POSITIVE_INFINITY;
        }
        return distances;
    }

    private static boolean[] everywhere(int n) {
        boolean[] all = new boolean[n];
        java.util.Arrays.fill(all, true);
        return all;
    }

    private static boolean[] admissible(float[] xs, float[] as, InputBox box, Norm norm, double eps, int n) {
        int per = xs.length / n;
        boolean[] ok = new boolean[n];
        for (int i = 0; i < n; i++) {
            boolean inside = true;
            for (int j = 0; j < per && inside; j++) {
                float a = as[i * per + j];
                inside = a >= box.lower()[j] && a <= box.upper()[j];
            }
            ok[i] = inside && (Double.isInfinite(eps)
                    || distance(xs, as, i, per, norm) <= eps + RELATIVE_TOLERANCE * (eps + distance(xs, null, i, per, norm)));
        }
        return ok;
    }

    /** ‖a_i − b_i‖ (‖a_i‖ when {@code b} is null) of sample {@code i} in {@code norm}, in double precision; NaN when an element is NaN. */
    private static double distance(float[] a, float[] b, int i, int per, Norm norm) {
        double sum = 0;
        double max = 0;
        for (int j = i * per; j < (i + 1) * per; j++) {
            double d = Math.abs((double) a[j] - (b == null ? 0 : b[j]));
            if (Double.isNaN(d)) {
                return Double.NaN;
            }
            sum += d * d;
            max = Math.max(max, d);
        }
        return norm == Norm.L2 ? Math.sqrt(sum) : max;
    }

    private static NDArray requireShape(AttackResult result, NDArray adversarial, NDArray x) {
        if (adversarial == null || !adversarial.getShape().equals(x.getShape())) {
            throw new IllegalStateException(result.attack() + ": returned adversarial points of shape "
                    + (adversarial == null ? "null" : adversarial.getShape()) + " for inputs of shape " + x.getShape());
        }
        return adversarial;
    }

    private static float[] floats(NDArray a) {
        return a.toType(DataType.FLOAT32, false).toFloatArray();
    }
}
