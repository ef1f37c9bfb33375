package dev.defensebench.app.config;

import dev.defensebench.spi.Certifier;
import dev.defensebench.spi.Hyperparameters;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One certifier entry as the loader resolved it: the plugin, its typed parameters (checked against its specs
 * and validated by it) and the entry as written (whose text hashes into the cache keys).
 *
 * @param entry the entry as written
 * @param certifier the certifier plugin
 * @param params the entry's parameters, with defaults filled in
 */
public record ResolvedCertifier(CertifierEntry entry, Certifier certifier, Hyperparameters params) {

    /**
     * Resolves {@code entry} with {@code plugins}: looks its certifier up, checks its name and radius grid and
     * resolves and validates its parameters. Errors are {@link IllegalArgumentException}s naming {@code owner}
     * (e.g. "certifiers[0]") and the problem; {@code names} holds the names of the entries resolved before this one
     * (a name is used once), and gets this entry's.
     */
    public static ResolvedCertifier resolve(String owner, CertifierEntry entry, Plugins plugins, Set<String> names) {
        if (entry.certifier() == null) {
            throw new IllegalArgumentException(owner + ": 'certifier' is required; known: " + plugins.certifiers().keySet());
        }
        Certifier certifier;
        try {
            certifier = plugins.certifier(entry.certifier());
        } catch (ExperimentException e) {
            throw new IllegalArgumentException(owner + ": " + e.getMessage(), e);
        }
        String at = owner + " '" + entry.certifier() + "'";
        if (entry.name() == null || !entry.name().matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException(at + ": 'name' must be letters, digits, '.', '_' or '-', found '"
                    + entry.name() + "'");
        }
        if (!names.add(entry.name())) {
            throw new IllegalArgumentException(at + ": 'name' '" + entry.name() + "' is used twice; give each entry of "
                    + "one certifier its own name");
        }
        if (entry.epsilons().isEmpty()) {
            throw new IllegalArgumentException(at + ": 'epsilons' must list at least one radius ("
                    + certifier.norm().label() + ")");
        }
        if (new HashSet<>(entry.epsilons()).size() != entry.epsilons().size()) {
            throw new IllegalArgumentException(at + ": 'epsilons' has duplicates: " + entry.epsilons());
        }
        for (double eps : entry.epsilons()) {
            if (!(eps >= 0 && Double.isFinite(eps))) {
                throw new IllegalArgumentException(at + ": epsilons must be finite and >= 0, found " + eps);
            }
        }
        Hyperparameters params = Hyperparameters.resolve(at, certifier.parameters(), entry.params());
        try {
            certifier.validate(params);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
        }
        return new ResolvedCertifier(entry, certifier, params);
    }

    /** The entry's id: its rows' attack column and board column (default: the certifier's id). */
    public String name() {
        return entry.name();
    }

    /** The radii at which certified accuracy is reported, ascending. */
    public List<Double> grid() {
        return entry.epsilons().stream().sorted().toList();
    }

    /** Seeds the certifier's randomness. */
    public long seed() {
        return entry.seed();
    }
}
