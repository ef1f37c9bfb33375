package dev.defensebench.app.run;

import dev.defensebench.report.ResultRow;
import java.util.Comparator;
import java.util.List;

/** A tiny experiment on {@link TinyMnist} for comparing ways of running it, and what such comparisons compare. */
public final class TinyExperiment {

    /**
     * Two fine-tuning trees: a vanilla MLP for each of two seeds and a Deep Defense fine-tune of each,
     * scored with FGSM (the {@code attacks:} section comes last, so tests may append attacks).
     */
    public static final String TWO_TREES = String.join("\n",
            "name: tiny",
            "dataset: mnist",
            "test_size: 40",
            "eval_batch_size: 20",
            "seeds: [0, 1]",
            "device: cpu",
            "models:",
            "  - {name: vanilla, defense: vanilla, architectures: [mlp], params: {epochs: 1, batch_size: 20, lr: 0.1}}",
            "  - {name: dd, defense: deep-defense, architectures: [mlp], init_from: vanilla,",
            "     params: {epochs: 1, batch_size: 100, max_iter: 2, lr: 0.001}}",
            "attacks:",
            "  - {attack: fgsm, norm: Linf, epsilons: [0.1, 0.2]}",
            "");

    private TinyExperiment() {}

    /** The rows' scores, ordered, without wall-clock times (which differ run to run). */
    public static List<String> scores(List<ResultRow> rows) {
        return rows.stream()
                .map(r -> r.model() + " " + r.cellHash() + " " + r.attack() + " " + r.norm() + " " + r.epsilon() + " "
                        + r.samples() + " " + r.cleanAccuracy() + " " + r.robustAccuracy())
                .sorted(Comparator.naturalOrder()).toList();
    }
}
