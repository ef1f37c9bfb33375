package dev.defensebench.model;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Finds {@link Architecture}s by name through {@link ServiceLoader}. */
public final class Architectures {

    private Architectures() {}

    /** Every registered architecture by name. */
    public static Map<String, Architecture> all() {
        Map<String, Architecture> byName = new TreeMap<>();
        for (Architecture a : ServiceLoader.load(Architecture.class)) {
            Architecture previous = byName.put(a.name(), a);
            if (previous != null) {
                throw new IllegalStateException("two architectures are named '" + a.name() + "': "
                        + previous.getClass().getName() + " and " + a.getClass().getName());
            }
        }
        return byName;
    }

    /** The architecture called {@code name}; an error lists the known names otherwise. */
    public static Architecture get(String name) {
        Map<String, Architecture> all = all();
        Architecture a = all.get(name);
        if (a == null) {
            throw new IllegalArgumentException("unknown architecture '" + name + "'; known: " + all.keySet());
        }
        return a;
    }
}
