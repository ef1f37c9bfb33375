package dev.defensebench.app.plan;

import dev.defensebench.data.Preprocessing;
import dev.defensebench.model.Architecture;
import dev.defensebench.spi.ParamSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The defaults of the shared optimiser parameters that depend on the network and the input scale, so
 * that every built-in architecture trains with a defense's defaults: the learning rate is capped by
 * {@link Architecture#maxDefaultLearningRate()} and, for raw 0..255 inputs ({@link Preprocessing#PAPER}),
 * by {@value #PAPER_MAX_LEARNING_RATE}, where a from-scratch network also starts from N(0, 0.01²) weights
 * as in matconvnet (Xavier's scale suits [0,1] inputs only). What the experiment writes always wins.
 */
final class TrainingDefaults {

    static final double PAPER_MAX_LEARNING_RATE = 1e-3;
    static final double PAPER_INIT_STD = 0.01;

    private TrainingDefaults() {}

    /**
     * {@code given} plus the adjusted defaults for the keys it does not set; {@code fromScratch} is false
     * for a fine-tuned entry, whose weights come from its parent (no initialisation default then).
     */
    static Map<String, Object> apply(Map<String, ?> given, List<ParamSpec> specs, Architecture architecture,
            Preprocessing preprocessing, boolean fromScratch) {
        Map<String, Object> out = new LinkedHashMap<>(given == null ? Map.of() : given);
        for (ParamSpec spec : specs) {
            if (out.containsKey(spec.name()) || !(spec.defaultValue() instanceof Number value)) {
                continue;
            }
            double declared = value.doubleValue();
            if (spec.name().equals("lr")) {
                double cap = Math.min(architecture.maxDefaultLearningRate(),
                        preprocessing == Preprocessing.PAPER ? PAPER_MAX_LEARNING_RATE : Double.POSITIVE_INFINITY);
                if (declared > cap) {
                    out.put("lr", cap);
                }
            } else if (spec.name().equals("init_std") && declared == 0 && preprocessing == Preprocessing.PAPER && fromScratch) {
                out.put("init_std", PAPER_INIT_STD);
            }
        }
        return out;
    }
}
