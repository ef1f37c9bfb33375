package dev.defensebench.spi;

/**
 * Declares one hyper-parameter of a defense or an attack: its key in the experiment file, type,
 * default and meaning. Experiment files are validated against these (unknown keys are errors).
 */
public record ParamSpec(String name, Type type, Object defaultValue, String description) {

    /** The value types a parameter can have. */
    public enum Type {
        INT,
        DOUBLE,
        BOOLEAN,
        STRING,
        /** A list of numbers, written {@code [0.5, 0.75]} in the experiment file. */
        DOUBLE_LIST
    }

    public static ParamSpec ofInt(String name, int defaultValue, String description) {
        return new ParamSpec(name, Type.INT, defaultValue, description);
    }

    public static ParamSpec ofDouble(String name, double defaultValue, String description) {
        return new ParamSpec(name, Type.DOUBLE, defaultValue, description);
    }

    public static ParamSpec ofBoolean(String name, boolean defaultValue, String description) {
        return new ParamSpec(name, Type.BOOLEAN, defaultValue, description);
    }

    public static ParamSpec ofDoubleList(String name, java.util.List<Double> defaultValue, String description) {
        return new ParamSpec(name, Type.DOUBLE_LIST, java.util.List.copyOf(defaultValue), description);
    }

    public static ParamSpec ofString(String name, String defaultValue, String description) {
        return new ParamSpec(name, Type.STRING, defaultValue, description);
    }

    /** A copy with another default (a defense overriding a shared training default). */
    public ParamSpec withDefault(Object newDefault) {
        return new ParamSpec(name, type, newDefault, description);
    }
}
