package dev.defensebench.app.cli;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * While a run is in progress, a shutdown hook that says in one line, when the run is stopped by SIGTERM
 * or Ctrl-C, that its finished cells are kept and that running the same command again resumes.
 */
final class InterruptNotice implements AutoCloseable {

    private final Thread hook;

    private InterruptNotice(Thread hook) {
        this.hook = hook;
    }

    /** Installs the notice for a run writing to {@code out}; {@link #close} removes it when the run ends. */
    static InterruptNotice install(Path out, PrintStream err) {
        Thread hook = new Thread(() -> {
            err.println(message(out));
            err.flush();
        }, "defense-bench-interrupt-notice");
        Runtime.getRuntime().addShutdownHook(hook);
        return new InterruptNotice(hook);
    }

    /** The line printed on interruption. */
    static String message(Path out) {
        return "defense-bench: interrupted; the finished cells are kept in " + out.toAbsolutePath()
                + "; run the same command again to resume";
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting: the hook runs
        }
    }
}
