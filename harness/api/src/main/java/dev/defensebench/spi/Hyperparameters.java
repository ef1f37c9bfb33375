package dev.defensebench.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The resolved hyper-parameters of one defense or attack: what the experiment file gave, checked
 * against the plugin's {@link ParamSpec}s, with defaults filled in. Unknown keys and values of the
 * wrong type are errors that name the key and what is allowed.
 */
public final class Hyperparameters {

    private final Map<String, Object> values;

    private Hyperparameters(Map<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Resolves {@code given} against {@code specs}; {@code owner} names the plugin in error messages,
     * e.g. "defense 'vanilla'".
     */
    public static Hyperparameters resolve(String owner, List<ParamSpec> specs, Map<String, ?> given) {
        Map<String, ParamSpec> byName = new LinkedHashMap<>();
        specs.forEach(s -> byName.put(s.name(), s));
        Map<String, ?> input = given == null ? Map.of() : given;
        List<String> unknown = new ArrayList<>();
        for (String key : input.keySet()) {
            if (!byName.containsKey(key)) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    owner + ": unknown parameter" + (unknown.size() > 1 ? "s " : " ") + unknown
                            + "; allowed: " + byName.keySet());
        }
        Map<String, Object> resolved = new TreeMap<>();
        for (ParamSpec spec : specs) {
            Object raw = input.containsKey(spec.name()) ? input.get(spec.name()) : spec.defaultValue();
            resolved.put(spec.name(), coerce(owner, spec, raw));
        }
        return new Hyperparameters(resolved);
    }

    private static Object coerce(String owner, ParamSpec spec, Object raw) {
        String where = owner + ": parameter '" + spec.name() + "'";
        if (raw == null) {
            throw new IllegalArgumentException(where + " has no value; expected " + spec.type());
        }
        switch (spec.type()) {
            case INT:
                if ((raw instanceof Integer || raw instanceof Long)
                        && ((Number) raw).longValue() == ((Number) raw).intValue()) {
                    return ((Number) raw).intValue();
                }
                break;
            case DOUBLE:
                if (raw instanceof Number n) {
                    double d = n.doubleValue();
                    if (Double.isNaN(d)) {
                        break;
                    }
                    return d;
                }
                break;
            case BOOLEAN:
                if (raw instanceof Boolean) {
                    return raw;
                }
                break;
            case STRING:
                if (raw instanceof String) {
                    return raw;
                }
                break;
            case DOUBLE_LIST:
                if (raw instanceof List<?> list && list.stream().allMatch(v -> v instanceof Number n
                        && !Double.isNaN(n.doubleValue()))) {
                    return list.stream().map(v -> ((Number) v).doubleValue()).toList();
                }
                break;
            default:
                break;
        }
        throw new IllegalArgumentException(
                where + " expects " + spec.type().name().toLowerCase(Locale.ROOT) + ", found "
                        + raw.getClass().getSimpleName().toLowerCase(Locale.ROOT) + " '" + raw + "' (" + spec.description() + ")");
    }

    public int getInt(String name) {
        return (Integer) get(name);
    }

    public double getDouble(String name) {
        return (Double) get(name);
    }

    public boolean getBoolean(String name) {
        return (Boolean) get(name);
    }

    @SuppressWarnings("unchecked")
    public List<Double> getDoubleList(String name) {
        return (List<Double>) get(name);
    }

    public String getString(String name) {
        return (String) get(name);
    }

    private Object get(String name) {
        Object v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no parameter '" + name + "'; declared: " + values.keySet());
        }
        return v;
    }

    /** All resolved values, sorted by name (recorded in model cards and results). */
    public Map<String, Object> asMap() {
        return values;
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
