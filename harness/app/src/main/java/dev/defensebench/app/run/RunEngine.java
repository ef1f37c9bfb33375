package dev.defensebench.app.run;

import java.io.IOException;

/**
 * How the cells of a run are executed ({@code run --engine NAME}). The built-in {@link PlainEngine}
 * runs them in this process, one after another; the {@code spark} module adds an engine that runs each
 * cell as a Spark task. Engines are found with {@link java.util.ServiceLoader}, so a user who never
 * asks for Spark needs none of its jars.
 */
public interface RunEngine {

    /** The name given to {@code --engine}. */
    String name();

    /** One line for {@code defense-bench list}. */
    String description();

    /** Runs {@code job} and says what it did. */
    Runner.Summary run(RunJob job) throws IOException;
}
