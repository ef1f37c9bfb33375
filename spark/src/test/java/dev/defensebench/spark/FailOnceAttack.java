package dev.defensebench.spark;

import ai.djl.ndarray.NDArray;
import dev.defensebench.attacks.Fgsm;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ParamSpec;
import dev.defensebench.spi.ThreatModel;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * FGSM that throws while {@link #FAILURES} is positive (counting it down): a task failure injected
 * after the cell's model is stored, to test Spark's retry. Registered for the tests only.
 */
public final class FailOnceAttack implements Attack {

    /** How many more calls fail. */
    static final AtomicInteger FAILURES = new AtomicInteger();

    private final Attack fgsm = new Fgsm();

    @Override
    public String name() {
        return "fail-once";
    }

    @Override
    public String description() {
        return "FGSM that fails on its first calls (tests only)";
    }

    @Override
    public List<ParamSpec> parameters() {
        return fgsm.parameters();
    }

    @Override
    public Set<Norm> norms() {
        return fgsm.norms();
    }

    @Override
    public AttackTraits traits() {
        return fgsm.traits();
    }

    @Override
    public AttackResult run(Classifier model, NDArray inputs, NDArray labels, ThreatModel threat, Hyperparameters params,
            long seed) {
        if (FAILURES.getAndDecrement() > 0) {
            throw new IllegalStateException("injected failure of the first attempt");
        }
        return fgsm.run(model, inputs, labels, threat, params, seed);
    }
}
