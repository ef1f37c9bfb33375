package dev.defensebench.app.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDScope;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.attacks.AutoAttack;
import dev.defensebench.attacks.Pgd;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.train.Losses;
import dev.defensebench.train.SgdOptimizer;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * {@code bench --mode attacks}: images per second of every registered attack (default parameters, or the
 * given ones) on a fixed test batch per network, then the ensemble ({@code autoattack}, version custom) on a
 * fixed ℓ∞-robust MLP, once, with a line per stage.
 *
 * @param options the attack mode's options
 * @param batch rows per attack call
 */
record AttackModeBench(Options options, int batch) {

    /** The attack mode's options (a picocli mixin of {@code bench}). */
    static final class Options {

        @Option(names = "--attacks", split = ",", description = "attacks mode: the attacks to time (default: every registered one)")
        List<String> attackNames;

        @Option(names = "--min-seconds", defaultValue = "3", description = "attacks mode: least measured time per attack (default: ${DEFAULT-VALUE})")
        double minSeconds;

        @Option(names = "--linf-eps", defaultValue = "0.1", description = "attacks mode: eps of the Linf attacks, pixels in [0, 1] (default: ${DEFAULT-VALUE})")
        double linfEps;

        @Option(names = "--l2-eps", defaultValue = "1.0", description = "attacks mode: eps of the L2 attacks (default: ${DEFAULT-VALUE})")
        double l2Eps;

        @Option(names = "--images", description = "attacks mode: test images each attack is timed on, in batches of "
                + "--batch run one after the other (default: one batch)")
        Integer images;

        @Option(names = "--attack-param", paramLabel = "KEY=VALUE", description = "attacks mode: a parameter for every "
                + "timed attack that has it (repeatable), e.g. clip=false")
        Map<String, String> attackParams = Map.of();

        @Option(names = "--ensemble-images", defaultValue = "1000", description = "attacks mode: test images for the ensemble on the robust MLP, 0 skips it (default: ${DEFAULT-VALUE})")
        int ensembleImages;

        @Option(names = "--ensemble-stages", defaultValue = "apgd-ce,apgd-t,square", description = "attacks mode: the "
                + "ensemble's stages (autoattack version custom; default: ${DEFAULT-VALUE}, the issue's reference row)")
        String ensembleStages;

        @Option(names = "--ensemble-norm", defaultValue = "Linf", description = "attacks mode: the ensemble's norm, Linf "
                + "(at --linf-eps) or L2 (at --l2-eps) (default: ${DEFAULT-VALUE})")
        String ensembleNorm;

        @Option(names = "--robust-steps", defaultValue = "600", description = "attacks mode: PGD training steps (ℓ∞ 0.1) of the robust MLP (default: ${DEFAULT-VALUE})")
        int robustSteps;

        /** Fails, before any work, on a number out of its range. */
        void checkNumbers(CommandLine cl) {
            if (!(minSeconds >= 0) || Double.isInfinite(minSeconds)) {
                throw new CommandLine.ParameterException(cl, "--min-seconds must be a finite number >= 0, found " + minSeconds);
            }
            for (var eps : Map.of("--linf-eps", linfEps, "--l2-eps", l2Eps).entrySet()) {
                if (!(eps.getValue() > 0) || Double.isInfinite(eps.getValue())) {
                    throw new CommandLine.ParameterException(cl, eps.getKey() + " must be a finite number > 0, "
                            + "found " + eps.getValue());
                }
            }
            if (robustSteps < 0) {
                throw new CommandLine.ParameterException(cl, "--robust-steps must be at least 0, found " + robustSteps);
            }
        }

        /** Fails on attack-mode options that could only fail later (image counts, the ensemble's norm and stages). */
        void check(CommandLine cl) {
            int test = 10000; // MNIST's test split
            if (images != null && (images < 1 || images > test)) {
                throw new CommandLine.ParameterException(cl, "--images must be in [1, " + test + "], found " + images);
            }
            if (ensembleImages < 0 || ensembleImages > test) {
                throw new CommandLine.ParameterException(cl,
                        "--ensemble-images must be in [0, " + test + "], found " + ensembleImages);
            }
            Plugins plugins = Plugins.discover();
            List<String> names = attackNames != null ? attackNames : List.copyOf(plugins.attacks().keySet());
            java.util.Set<String> known = new java.util.TreeSet<>();
            names.forEach(name -> plugins.attack(name).parameters().forEach(p -> known.add(p.name())));
            for (String key : attackParams.keySet()) {
                if (!known.contains(key)) {
                    throw new CommandLine.ParameterException(cl, "--attack-param " + key + ": none of the timed "
                            + "attacks " + names + " has it; their parameters: " + known);
                }
            }
            try {
                Norm.parse(ensembleNorm);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "--ensemble-norm: " + e.getMessage());
            }
            try {
                AutoAttack.stages(Hyperparameters.resolve("--ensemble-stages", new AutoAttack().parameters(),
                        Map.of("version", "custom", "stages", ensembleStages)));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(cl, "--ensemble-stages: " + e.getMessage());
            }
        }
    }

    /** Images/s of every attack on {@code test} (the first {@code --images} test images), in batches of {@link #batch}. */
    void table(PrintWriter out, String architecture, BlockClassifier model, NDList test, double cleanAccuracy) {
        Options o = options;
        out.printf(Locale.ROOT, "%n%s, %d images in batches of %d, clean accuracy %.3f; attacks with default parameters%s, "
                + "eps Linf %.3g / L2 %.3g%n", architecture, test.get(0).getShape().get(0), batch, cleanAccuracy,
                o.attackParams.isEmpty() ? "" : " but " + new java.util.TreeMap<>(o.attackParams), o.linfEps, o.l2Eps);
        out.println(AttackBench.header());
        AttackBench bench = new AttackBench(o.minSeconds, o.linfEps, o.l2Eps);
        Plugins plugins = Plugins.discover();
        List<String> names = o.attackNames != null ? o.attackNames : plugins.attacks().keySet().stream().sorted().toList();
        for (String name : names) {
            Attack attack = plugins.attack(name);
            Map<String, Object> overrides = new java.util.TreeMap<>();
            attack.parameters().stream().filter(p -> o.attackParams.containsKey(p.name()))
                    .forEach(p -> overrides.put(p.name(), typed(o.attackParams.get(p.name()))));
            bench.time(out, architecture, attack, overrides, model, test.get(0), test.get(1), batch);
        }
    }

    /** {@code --robust-steps} PGD training steps (ℓ∞ 0.1, 10 steps of 0.025, random start; seeded) of {@code model}. */
    void robustTraining(BlockClassifier model, SgdOptimizer optimizer, Supplier<NDList> nextBatch) {
        java.util.Random random = new java.util.Random(0);
        for (int s = 0; s < options.robustSteps; s++) {
            try (NDScope scope = new NDScope()) {
                NDList b = nextBatch.get();
                NDArray adversarial = Pgd.perturb(model, b.get(0), Pgd.crossEntropy(b.get(1)), Norm.LINF, 0.1,
                        new Pgd.Settings(10, 0.025, true), random);
                NDList g = Autograd.recording(() -> optimizer.gradients(
                        Losses.crossEntropy(model.logits(adversarial), b.get(1))));
                optimizer.update(g, 0.01f);
            }
        }
    }

    /**
     * The ensemble with its default parameters but the stages ({@code --ensemble-stages}) on {@code test} in
     * {@code --ensemble-norm}, timed once; each stage's robust points and seconds are printed under it.
     */
    void ensemble(PrintWriter out, BlockClassifier model, NDList test, double cleanAccuracy) {
        Options o = options;
        Norm norm = Norm.parse(o.ensembleNorm);
        AttackBench bench = new AttackBench(0, o.linfEps, o.l2Eps);
        int n = (int) test.get(0).getShape().get(0);
        out.printf(Locale.ROOT, "%nensemble on the robust MLP (%d PGD training steps at Linf 0.1), %d images, clean accuracy %.3f, "
                + "eps %s %.3g%n", o.robustSteps, n, cleanAccuracy, norm.label(), bench.epsilon(norm));
        out.println(AttackBench.header());
        bench.time(out, "robust mlp", Plugins.discover().attack("autoattack"), norm,
                Map.of("version", "custom", "stages", o.ensembleStages), model, test.get(0), test.get(1), n);
    }

    /** A command-line value as the parameter types want it: true/false, an integer, a number, else the text. */
    static Object typed(String value) {
        if (value.equals("true") || value.equals("false")) {
            return Boolean.parseBoolean(value);
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException notInt) {
            try {
                return Double.parseDouble(value);
            } catch (NumberFormatException notNumber) {
                return value;
            }
        }
    }
}
