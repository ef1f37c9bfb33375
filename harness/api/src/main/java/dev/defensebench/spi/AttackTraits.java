package dev.defensebench.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What an attack is, declared by the plugin itself so that the harness's sanity checks and the board
 * treat a plugin from outside the repository like a built-in one and never look an attack up by its
 * name.
 *
 * @param displayName the name people read on the board, e.g. "DeepFool"
 * @param access what the attack queries of the model (see {@link Access})
 * @param stepParameter the integer parameter that bounds the attack's iterations (a sanity check runs
 *     the attack again with it doubled), or null for a single-step attack
 * @param minNorm whether the attack minimises the perturbation norm (runs once; its per-sample norms are
 *     thresholded at every ε) rather than working inside a given ε
 * @param givesRho2 whether its mean ‖Δx‖₂/‖x‖₂ under L2 is the board's ρ2 column (DeepFool's robustness
 *     measure); only an L2 min-norm attack can give it
 */
public record AttackTraits(String displayName, Access access, String stepParameter, boolean minNorm,
        boolean givesRho2) {

    /** What an attack queries of the model. */
    public enum Access {
        /** A white-box attack that follows the model's input gradients. */
        GRADIENT,
        /** A score-based black-box search that queries logits only (e.g. Square). */
        SCORE,
        /** Random perturbations, a black-box baseline every attack should beat (logits only). */
        RANDOM,
        /** An ensemble of gradient and score-based attacks; on a logits-only model it runs its score-based part. */
        ENSEMBLE,
        /** Examples computed elsewhere and read from a file: queries the model for nothing but the harness's checks. */
        PRECOMPUTED
    }

    /** The token of {@link #flags()} for {@link #givesRho2}. */
    public static final String RHO2_FLAG = "rho2";
    /** The token of {@link #flags()} for {@link #minNorm}. */
    public static final String MIN_NORM_FLAG = "min-norm";
    /**
     * The token results.csv adds to a row's traits when the run was a reliable evaluation ({@link
     * Attack#isReliable}), and to a worst-case row when a reliable evaluation ran at exactly its ε.
     */
    public static final String RELIABLE_FLAG = "reliable";
    /** The token of {@link #flags()} for an iterative attack. */
    public static final String ITERATIVE_FLAG = "iterative";

    public AttackTraits {
        if (displayName == null || displayName.isBlank()) {
            throw new IllegalArgumentException("an attack needs a display name");
        }
        if (access == null) {
            throw new IllegalArgumentException(displayName + ": access must be declared");
        }
        if (stepParameter != null && stepParameter.isBlank()) {
            throw new IllegalArgumentException(displayName + ": the step parameter is blank (use null for a single-step attack)");
        }
        if (givesRho2 && !minNorm) {
            throw new IllegalArgumentException(displayName + ": only a min-norm attack gives rho2");
        }
    }

    /** A fixed-ε attack; {@code stepParameter} null for a single-step one. */
    public static AttackTraits fixedEpsilon(String displayName, Access access, String stepParameter) {
        return new AttackTraits(displayName, access, stepParameter, false, false);
    }

    /** A gradient min-norm attack whose iterations {@code stepParameter} bounds. */
    public static AttackTraits minNorm(String displayName, String stepParameter, boolean givesRho2) {
        return new AttackTraits(displayName, Access.GRADIENT, stepParameter, true, givesRho2);
    }

    /** Whether the attack iterates under a step budget ({@link #stepParameter} set). */
    public boolean isIterative() {
        return stepParameter != null;
    }

    /** Whether the attack needs the model's input gradients (only {@link Access#GRADIENT} attacks do). */
    public boolean needsGradients() {
        return access == Access.GRADIENT;
    }

    /**
     * The traits as space-separated tokens, as results.csv carries them: the access in lower case, then
     * {@value #ITERATIVE_FLAG}, {@value #MIN_NORM_FLAG} and {@value #RHO2_FLAG} where they apply, e.g.
     * "gradient iterative min-norm rho2".
     */
    public String flags() {
        List<String> tokens = new ArrayList<>();
        tokens.add(access.name().toLowerCase(Locale.ROOT));
        if (isIterative()) {
            tokens.add(ITERATIVE_FLAG);
        }
        if (minNorm) {
            tokens.add(MIN_NORM_FLAG);
        }
        if (givesRho2) {
            tokens.add(RHO2_FLAG);
        }
        return String.join(" ", tokens);
    }

    /** Whether {@code flags} (as written by {@link #flags()}) holds {@code token}. */
    public static boolean hasFlag(String flags, String token) {
        return flags != null && List.of(flags.trim().split("\\s+")).contains(token);
    }
}
