package dev.defensebench.defenses;

/**
 * The ε ramp and κ schedule of IBP training (Gowal et al. 2018, Section 4): during the first {@code
 * warmup} steps ε = 0 and κ = 1 (plain training); over the next {@code ramp} steps ε grows linearly to
 * its target and κ falls linearly to {@code kappaFinal}; both stay there afterwards.
 *
 * @param eps the training ε reached at the end of the ramp
 * @param kappaFinal the weight of the clean term after the ramp, in [0, 1]
 * @param warmup steps of plain training
 * @param ramp steps of the linear ramp (0: jump at the end of the warm-up)
 */
record IbpSchedule(double eps, double kappaFinal, long warmup, long ramp) {

    /** The fraction of the ramp done at {@code step} (0-based), in [0, 1]. */
    private double progress(long step) {
        if (step < warmup) {
            return 0;
        }
        return ramp == 0 ? 1 : Math.min(1, (double) (step - warmup + 1) / ramp);
    }

    /** The ε of step {@code step}. */
    double epsAt(long step) {
        return eps * progress(step);
    }

    /** The weight κ of the clean cross-entropy at step {@code step}; 1 − κ weighs the robust one. */
    double kappaAt(long step) {
        return 1 - (1 - kappaFinal) * progress(step);
    }
}
