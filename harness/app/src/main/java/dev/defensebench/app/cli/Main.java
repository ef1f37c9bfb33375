package dev.defensebench.app.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code defense-bench} command line. */
@Command(
        name = "defense-bench",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Train image classifiers with adversarial defenses, score them with attacks, publish a leaderboard.",
        subcommands = {RunCommand.class, ListCommand.class, BenchCommand.class, ExportCommand.class, ReportCommand.class,
                MergeCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** The option that shows DJL's engine chatter and defense-bench's debug lines. */
    public static final String VERBOSE = "--verbose";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = VERBOSE, scope = CommandLine.ScopeType.INHERIT,
            description = "also show the engine's messages (DJL, PyTorch) and defense-bench's debug lines")
    boolean verbose;

    public static void main(String[] args) {
        if (java.util.Arrays.asList(args).contains(VERBOSE)) {
            verboseLogging();
        }
        System.exit(execute(args));
    }

    /**
     * Lowers the log thresholds that simplelogger.properties sets; must run before the first logger is
     * created, which is why {@link #main} looks for the option before picocli parses anything.
     */
    static void verboseLogging() {
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl", "info");
        System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda", "info");
        System.setProperty("org.slf4j.simpleLogger.log.dev.defensebench", "debug");
    }

    /** Runs the command line and returns its exit code (tests call this). */
    public static int execute(String... args) {
        CommandLine commandLine = new CommandLine(new Main()).setExecutionExceptionHandler(new ErrorHandler());
        CommandLine.IParameterExceptionHandler usage = commandLine.getParameterExceptionHandler();
        return commandLine.setParameterExceptionHandler((e, badArgs) -> {
            String message = TerminalText.escaped(e.getMessage());
            return usage.handleParseException(message.equals(e.getMessage()) ? e
                    : new CommandLine.ParameterException(e.getCommandLine(), message, e), badArgs);
        }).execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
