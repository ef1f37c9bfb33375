package dev.defensebench.app.config;

import dev.defensebench.model.Architecture;
import dev.defensebench.model.Architectures;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.Certifier;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Defense;
import dev.defensebench.spi.ParamSpec;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The defenses, attacks and architectures found on the class path with {@link ServiceLoader}. */
public record Plugins(Map<String, Defense> defenses, Map<String, Attack> attacks, Map<String, Architecture> architectures,
        Map<String, Certifier> certifiers) {

    /** Plugins without certifiers. */
    public Plugins(Map<String, Defense> defenses, Map<String, Attack> attacks, Map<String, Architecture> architectures) {
        this(defenses, attacks, architectures, Map.of());
    }

    /** Everything registered in {@code META-INF/services}. */
    public static Plugins discover() {
        Map<String, Defense> defenses = new TreeMap<>();
        for (Defense d : ServiceLoader.load(Defense.class)) {
            putUnique(defenses, d.name(), d, "defense");
        }
        Map<String, Attack> attacks = new TreeMap<>();
        for (Attack a : ServiceLoader.load(Attack.class)) {
            requireSoundTraits(a);
            putUnique(attacks, a.name(), a, "attack");
        }
        Map<String, Certifier> certifiers = new TreeMap<>();
        for (Certifier c : ServiceLoader.load(Certifier.class)) {
            putUnique(certifiers, c.name(), c, "certifier");
        }
        return new Plugins(defenses, attacks, Architectures.all(), certifiers);
    }

    /** A declared step parameter must be one of the attack's integer parameters (a sanity check doubles it). */
    static void requireSoundTraits(Attack attack) {
        AttackTraits traits = attack.traits();
        if (traits == null) {
            throw new IllegalStateException("attack '" + attack.name() + "' (" + attack.getClass().getName()
                    + ") declares no traits");
        }
        String step = traits.stepParameter();
        if (step != null && attack.parameters().stream()
                .noneMatch(p -> p.name().equals(step) && p.type() == ParamSpec.Type.INT)) {
            throw new IllegalStateException("attack '" + attack.name() + "' (" + attack.getClass().getName()
                    + ") declares step parameter '" + step + "', which is not one of its integer parameters "
                    + attack.parameters().stream().map(ParamSpec::name).toList());
        }
    }

    private static <T> void putUnique(Map<String, T> map, String name, T plugin, String kind) {
        T previous = map.put(name, plugin);
        if (previous != null) {
            throw new IllegalStateException("two " + kind + "s are named '" + name + "': "
                    + previous.getClass().getName() + " and " + plugin.getClass().getName());
        }
    }

    public Defense defense(String name) {
        return find(defenses, name, "defense");
    }

    public Attack attack(String name) {
        return find(attacks, name, "attack");
    }

    public Certifier certifier(String name) {
        return find(certifiers, name, "certifier");
    }

    public Architecture architecture(String name) {
        return find(architectures, name, "architecture");
    }

    private static <T> T find(Map<String, T> map, String name, String kind) {
        T found = map.get(name);
        if (found == null) {
            throw new ExperimentException("unknown " + kind + " '" + name + "'; known: " + map.keySet());
        }
        return found;
    }
}
