package dev.defensebench.defenses;

import dev.defensebench.attacks.Pgd;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ParamSpec;
import java.util.List;

/**
 * The inner maximisation of PGD adversarial training and TRADES: the threat model (norm, ε) and the
 * PGD settings, declared as defense parameters and read back with range checks.
 *
 * @param norm the ball the examples are searched in
 * @param eps its radius, in input units after preprocessing
 * @param pgd steps, absolute step size and random start
 */
public record InnerPgd(Norm norm, double eps, Pgd.Settings pgd) {

    /** The parameter declarations {@code norm}, {@code eps}, {@code steps}, {@code step_size}, {@code random_start}. */
    public static List<ParamSpec> parameters(double eps, int steps, double stepSize) {
        return List.of(
                ParamSpec.ofString("norm", "Linf", "threat model of the inner maximisation: Linf or L2"),
                ParamSpec.ofDouble("eps", eps, "radius of the ball the training examples are searched in (input units)"),
                ParamSpec.ofInt("steps", steps, "PGD steps of the inner maximisation"),
                ParamSpec.ofDouble("step_size", stepSize, "absolute PGD step size (input units; L2: step length)"),
                ParamSpec.ofBoolean("random_start", true, "start PGD uniformly at random in the eps-ball"));
    }

    /** Reads the settings; {@code owner} (e.g. "defense 'trades'") names the plugin in errors. */
    public static InnerPgd from(Hyperparameters p, String owner) {
        Norm norm;
        try {
            norm = Norm.parse(p.getString("norm"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(owner + ": parameter 'norm': " + e.getMessage(), e);
        }
        double eps = p.getDouble("eps");
        int steps = p.getInt("steps");
        double stepSize = p.getDouble("step_size");
        require(eps > 0 && !Double.isInfinite(eps), owner, "eps", "a finite number > 0", eps);
        require(steps >= 1, owner, "steps", "an integer >= 1", steps);
        require(stepSize > 0 && !Double.isInfinite(stepSize), owner, "step_size", "a finite number > 0", stepSize);
        return new InnerPgd(norm, eps, new Pgd.Settings(steps, stepSize, p.getBoolean("random_start")));
    }

    static void require(boolean ok, String owner, String key, String expected, Object found) {
        if (!ok) {
            throw new IllegalArgumentException(owner + ": parameter '" + key + "' must be " + expected + ", found " + found);
        }
    }
}
