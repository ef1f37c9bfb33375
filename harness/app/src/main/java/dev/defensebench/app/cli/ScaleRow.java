package dev.defensebench.app.cli;

/**
 * A row of {@code bench --mode scale} and the rule that counts its FLOPs, in forward passes F of the whole
 * batch (F = 2 · {@link NetworkFlops#multiplyAdds} · batch); a backward pass counts 2F (the input's and the
 * weights' gradients, one forward each), also when only the input's gradient is asked for. {@code k} is the
 * number of PGD steps, {@code m} DeepFool's unrolled iterations and {@code K} its candidate classes.
 */
enum ScaleRow {
    /** Cross-entropy, its backward, the SGD update: F + 2F. */
    PLAIN("plain", "plain step", "cross-entropy, SGD update"),
    /**
     * k PGD steps of forward and backward, the clean logits that PgdAdversarial reports (F, no graph), then a
     * plain step on the adversarial batch: 3kF + F + 3F.
     */
    PGD_AT("pgd-at", "PGD-AT step", "10 PGD steps (Linf 8/255, step 2/255) in inference mode + training step"),
    /**
     * The clean logits once (F), k steps on the KL term (3kF), then the objective's two forwards and their
     * backward (2F + 4F): (3k + 7)F.
     */
    TRADES("trades", "TRADES step", "beta 6: 10 PGD steps on the KL term in inference mode + CE and KL training step"),
    /**
     * The cross-entropy with its backward (3F); per DeepFool iteration a forward (F), K − 1 class-difference
     * gradients without a graph (2F each), the chosen difference's gradient with a graph (2F), and the
     * backward through that recorded forward and gradient (2 · 3F): 3F + m(2K + 7)F. An upper bound: a sample
     * leaves the unroll once fooled.
     */
    DEEP_DEFENSE("deep-defense", "Deep Defense step", "lambda 15, c 25, d 5; DeepFool unrolled 5 iterations, 10 candidates, double backward"),
    /** k PGD steps of forward and backward: 3kF. */
    PGD("pgd", "PGD-10 attack", "10 steps Linf 8/255, step 2/255, random start, inference mode"),
    /** Adaptive (stages stop on fooled points, Square queries forward only): not counted. */
    AUTOATTACK("autoattack", "AutoAttack", "standard, Linf 8/255, labels = the network's predictions");

    /** PGD steps of the PGD-AT, TRADES and PGD rows (the CIFAR recipe). */
    static final int PGD_STEPS = 10;
    /** DeepFool iterations and candidate classes of the Deep Defense row. */
    static final int DEEPFOOL_ITERATIONS = 5;

    private final String option;
    private final String label;
    private final String detail;

    ScaleRow(String option, String label, String detail) {
        this.option = option;
        this.label = label;
        this.detail = detail;
    }

    /** The row's name in {@code --scale-rows}. */
    String option() {
        return option;
    }

    String label() {
        return label;
    }

    String detail() {
        return detail;
    }

    /** Forward passes of the batch one step makes, by the rule above, for {@code classes} classes; NaN: not counted. */
    double forwardPasses(int classes) {
        int k = PGD_STEPS;
        int candidates = Math.min(dev.defensebench.attacks.DeepFool.DEFAULT_CANDIDATES, classes);
        return switch (this) {
            case PLAIN -> 3;
            case PGD_AT -> 3.0 * k + 4;
            case TRADES -> 3.0 * k + 7;
            case DEEP_DEFENSE -> 3 + DEEPFOOL_ITERATIONS * (2.0 * candidates + 7);
            case PGD -> 3.0 * k;
            case AUTOATTACK -> Double.NaN;
        };
    }

    /** FLOPs of one step on {@code batch} samples of a network of {@code multiplyAdds} per sample; NaN: not counted. */
    double flops(long multiplyAdds, int batch, int classes) {
        return forwardPasses(classes) * 2.0 * multiplyAdds * batch;
    }
}
