package dev.defensebench.app.plan;

import ai.djl.engine.Engine;
import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ResolvedAttack;
import dev.defensebench.data.Preprocessing;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The code that produces the artifacts, as it enters their hashes: the harness version, the versions of
 * DJL and its engine, and a fingerprint of the classes of each plugin involved ({@link CodeFingerprint}).
 * A change to an attack's code thus changes the hash of the evaluations that run it and nothing else; a
 * change to a defense's code (or to the training loop, an architecture or the preprocessing it uses)
 * changes its models' hashes, and so their evaluations' too.
 *
 * @param version the harness version
 * @param libraries DJL and engine versions, e.g. "DJL 0.36.0, PyTorch 2.7.1"
 * @param fingerprint the fingerprint of a plugin class's code
 */
public record CodeIdentity(String version, String libraries, Function<Class<?>, String> fingerprint) {

    /** The code running in this JVM. */
    public static CodeIdentity current(String version) {
        Engine engine = Engine.getInstance();
        return new CodeIdentity(version, "DJL " + Engine.getDjlVersion() + ", " + engine.getEngineName() + " "
                + engine.getVersion(), CodeFingerprint::of);
    }

    /** What a model's weights depend on: the defense's, the architecture's and the preprocessing's code. */
    public Map<String, String> model(Class<?> defense, Class<?> architecture) {
        Map<String, String> code = common();
        code.put("defense", fingerprint.apply(defense));
        code.put("architecture", fingerprint.apply(architecture));
        code.put("preprocessing", fingerprint.apply(Preprocessing.class));
        return code;
    }

    /**
     * What an evaluation depends on besides its model: the code of every attack of the suite (by id) and
     * of the harness's evaluation ({@code evaluator}, with the sanity checks and the worst case it uses).
     */
    public Map<String, String> evaluation(Iterable<ResolvedAttack> attacks, Class<?> evaluator) {
        Map<String, String> code = common();
        for (ResolvedAttack a : attacks) {
            code.put("attack " + a.name(), fingerprint.apply(a.attack().getClass()));
        }
        code.put("evaluator", fingerprint.apply(evaluator));
        return code;
    }

    /** {@link #evaluation(Iterable, Class)} of {@code experiment}'s attacks, with its certifiers' code (by name). */
    public Map<String, String> evaluation(Experiment experiment, Class<?> evaluator) {
        Map<String, String> code = evaluation(experiment.attacks(), evaluator);
        experiment.certifiers().forEach(c -> code.put("certifier " + c.name(), fingerprint.apply(c.certifier().getClass())));
        return code;
    }

    private Map<String, String> common() {
        Map<String, String> code = new TreeMap<>();
        code.put("version", version);
        code.put("libraries", libraries);
        return code;
    }
}
