package dev.defensebench.app.cli;

import dev.defensebench.app.config.ExperimentException;
import java.io.IOException;
import picocli.CommandLine;

/**
 * Turns the errors a user can fix (bad experiment file, missing data, bad option) into one clear
 * message and exit code 2 instead of a stack trace; anything else is a bug and keeps its trace. Control
 * bytes quoted in a message are shown escaped ({@link TerminalText}).
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof ExperimentException || e instanceof IllegalArgumentException || e instanceof IOException) {
            cmd.getErr().println("defense-bench: " + TerminalText.escaped(e.getMessage()));
            return 2;
        }
        if (e instanceof EnvironmentException) {
            cmd.getErr().println("defense-bench: " + TerminalText.escaped(e.getMessage()));
            return 4;
        }
        cmd.getErr().println("defense-bench: unexpected error (a bug; please report it with this trace):");
        e.printStackTrace(cmd.getErr());
        return 1;
    }
}
