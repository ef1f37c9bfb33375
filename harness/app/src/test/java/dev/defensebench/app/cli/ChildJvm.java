package dev.defensebench.app.cli;

import java.util.List;
import java.util.Map;

/**
 * Starts a test's helper class in a fresh JVM on the test class path, independent of the environment the
 * tests run in: the variables through which the JVM picks up options from the environment are removed,
 * because the JVM then prints "Picked up JAVA_TOOL_OPTIONS: ..." on standard error (common on CI runners
 * and corporate machines) and a test comparing the child's standard error exactly would fail.
 */
final class ChildJvm {

    /** The variables the JVM reads options from (and announces on standard error). */
    static final List<String> OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    private ChildJvm() {}

    /** A process builder for {@code java -cp <test class path> main args...}. */
    static ProcessBuilder of(Class<?> main, String... args) {
        return of(Map.of(), main, args);
    }

    /**
     * As {@link #of(Class, String...)}, with {@code environment} added to the inherited environment first
     * (tests use it to stand for a machine that sets JVM options); the option variables are removed last.
     */
    static ProcessBuilder of(Map<String, String> environment, Class<?> main, String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                main.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        OPTION_VARIABLES.forEach(builder.environment()::remove);
        return builder;
    }
}
