package dev.defensebench.app.run;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds a {@link RunEngine} by name among those on the class path. */
public final class RunEngines {

    private RunEngines() {}

    /** The engines on the class path. */
    public static List<RunEngine> all() {
        List<RunEngine> engines = new ArrayList<>();
        ServiceLoader.load(RunEngine.class).forEach(engines::add);
        return engines;
    }

    /** The engine called {@code name}; the error lists the engines found and says where Spark's comes from. */
    public static RunEngine find(String name) {
        List<String> names = new ArrayList<>();
        for (RunEngine engine : all()) {
            if (engine.name().equals(name)) {
                return engine;
            }
            names.add(engine.name());
        }
        String hint = name.equals("spark") ? "; the spark engine lives in the spark module: the launcher adds it when it "
                + "sees '--engine spark', and spark-submit needs the jar built with 'mvn -Pspark-submit package' "
                + "(see the README, 'Running on Spark')" : "";
        throw new IllegalArgumentException("unknown engine '" + name + "'; available: " + String.join(", ", names) + hint);
    }
}
