package dev.defensebench.app.run;

import ai.djl.ndarray.NDArray;
import dev.defensebench.attacks.DeepFool;
import dev.defensebench.attacks.Fgsm;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.EpsilonOutcome;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ParamSpec;
import dev.defensebench.spi.ThreatModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * A test plugin that lies about its success, to show that the harness checks every claim. {@code lie}:
 * "unchanged" returns the inputs and claims every point fooled; "outside" returns FGSM's points at 10 ε
 * (outside the ball) claiming them at ε; "modest" returns FGSM's points at ε and claims none of them;
 * "closer" (min-norm) returns DeepFool's points but claims a tenth of their distance.
 */
final class LyingAttack implements Attack {

    private final boolean minNorm;

    LyingAttack(boolean minNorm) {
        this.minNorm = minNorm;
    }

    @Override
    public String name() {
        return minNorm ? "lying-min-norm" : "lying";
    }

    @Override
    public AttackTraits traits() {
        return minNorm ? AttackTraits.minNorm("Liar (min-norm)", null, false)
                : AttackTraits.fixedEpsilon("Liar", AttackTraits.Access.GRADIENT, null);
    }

    @Override
    public String description() {
        return "claims success it did not achieve (tests only)";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(ParamSpec.ofString("lie", minNorm ? "closer" : "unchanged", "unchanged, outside, modest or closer"));
    }

    @Override
    public Set<Norm> norms() {
        return Set.of(Norm.LINF, Norm.L2);
    }

    @Override
    public AttackResult run(Classifier model, NDArray inputs, NDArray labels, ThreatModel threat, Hyperparameters params,
            long seed) {
        int n = (int) inputs.getShape().get(0);
        boolean[] all = new boolean[n];
        Arrays.fill(all, true);
        if (minNorm) {
            DeepFool deepFool = new DeepFool();
            AttackResult honest = deepFool.run(model, inputs, labels, threat,
                    Hyperparameters.resolve("deepfool", deepFool.parameters(), java.util.Map.of()), seed);
            float[] claimed = honest.distances().clone();
            for (int i = 0; i < n; i++) {
                claimed[i] /= 10;
            }
            return new AttackResult(name(), threat.norm(), honest.outcomes(), claimed, honest.inputNorms(),
                    honest.points(), true);
        }
        List<EpsilonOutcome> outcomes = new ArrayList<>();
        for (double eps : threat.epsilons()) {
            NDArray adversarial = inputs.duplicate();
            String lie = params.getString("lie");
            if (lie.equals("outside") || lie.equals("modest")) {
                Fgsm fgsm = new Fgsm();
                ThreatModel far = new ThreatModel(threat.norm(), List.of(lie.equals("outside") ? 10 * eps : eps));
                adversarial = fgsm.run(model, inputs, labels, far,
                        Hyperparameters.resolve("fgsm", fgsm.parameters(), java.util.Map.of()), seed).outcomes().get(0)
                        .adversarial();
            }
            outcomes.add(new EpsilonOutcome(eps, adversarial, lie.equals("modest") ? new boolean[n] : all.clone()));
        }
        return new AttackResult(name(), threat.norm(), outcomes, null, null, null, true);
    }
}
