package dev.defensebench.app.config;

import dev.defensebench.spi.Attack;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ThreatModel;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One attack of the suite as the loader resolved it: the plugin, its threat model (norm and ε grid) and its
 * typed parameters with defaults filled in, plus the entry as written (whose text hashes into the cache keys
 * and goes to the forked timing JVM).
 *
 * @param entry the entry as written
 * @param attack the attack plugin
 * @param threat the entry's norm and ε grid
 * @param params the entry's parameters, checked against the attack's specs and validated by it
 */
public record ResolvedAttack(AttackEntry entry, Attack attack, ThreatModel threat, Hyperparameters params) {

    /**
     * Resolves {@code entry} with {@code plugins}: looks its attack up, parses its norm (which the attack must
     * support), checks its ε grid and resolves and validates its parameters. Errors are
     * {@link IllegalArgumentException}s naming {@code owner} (e.g. "attacks[2] 'pgd'") and the problem.
     */
    public static ResolvedAttack resolve(String owner, AttackEntry entry, Plugins plugins) {
        if (entry.attack() == null) {
            throw new IllegalArgumentException(owner + ": 'attack' is required; known: " + plugins.attacks().keySet());
        }
        Attack attack = lookUp(owner, entry.attack(), plugins);
        String at = owner + " '" + entry.attack() + "'";
        if (entry.norm() == null) {
            throw new IllegalArgumentException(at + ": 'norm' is required; this attack supports " + labels(attack));
        }
        Norm norm = parseNorm(at, entry.norm());
        if (!attack.norms().contains(norm)) {
            throw new IllegalArgumentException(at + ": norm " + norm.label() + " is not supported; it supports "
                    + labels(attack));
        }
        if (entry.epsilons().isEmpty()) {
            throw new IllegalArgumentException(at + ": 'epsilons' must list at least one budget");
        }
        if (new java.util.HashSet<>(entry.epsilons()).size() != entry.epsilons().size()) {
            throw new IllegalArgumentException(at + ": 'epsilons' has duplicates: " + entry.epsilons());
        }
        for (double eps : entry.epsilons()) {
            if (!(eps >= 0 && Double.isFinite(eps))) {
                throw new IllegalArgumentException(at + ": epsilons must be finite and >= 0, found " + eps);
            }
        }
        Hyperparameters params = Hyperparameters.resolve(at, attack.parameters(), entry.params());
        try {
            attack.validate(params);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
        }
        return new ResolvedAttack(entry, attack, new ThreatModel(norm, entry.epsilons()), params);
    }

    private static Attack lookUp(String owner, String name, Plugins plugins) {
        try {
            return plugins.attack(name);
        } catch (ExperimentException e) {
            throw new IllegalArgumentException(owner + ": " + e.getMessage(), e);
        }
    }

    private static Norm parseNorm(String at, String text) {
        try {
            return Norm.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
        }
    }

    private static List<String> labels(Attack attack) {
        return attack.norms().stream().map(Norm::label).sorted().toList();
    }

    /**
     * This entry with parameter {@code name} set to {@code value}, resolved against the attack's specs like the
     * entry's own (the sanity check that doubles an attack's step budget runs such a variant).
     */
    public ResolvedAttack withParameter(String name, Object value) {
        Map<String, Object> changed = new TreeMap<>(params.asMap());
        changed.put(name, value);
        return new ResolvedAttack(entry, attack, threat,
                Hyperparameters.resolve("attack '" + attack.name() + "'", attack.parameters(), changed));
    }

    /** This entry with the ε grid {@code epsilons} in its norm instead of its own. */
    public ResolvedAttack withEpsilons(List<Double> epsilons) {
        return new ResolvedAttack(entry, attack, new ThreatModel(threat.norm(), epsilons), params);
    }

    /** The attack's id, e.g. "pgd". */
    public String name() {
        return attack.name();
    }

    /** The attack's declared traits. */
    public AttackTraits traits() {
        return attack.traits();
    }

    /** The entry's norm. */
    public Norm norm() {
        return threat.norm();
    }

    /** The entry's ε grid, in file order. */
    public List<Double> epsilons() {
        return threat.epsilons();
    }

    /** Seeds the attack's randomness. */
    public long seed() {
        return entry.seed();
    }
}
