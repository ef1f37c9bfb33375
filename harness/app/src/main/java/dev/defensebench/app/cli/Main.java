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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (tests call this). */
    public static int execute(String... args) {
        return new CommandLine(new Main())
                .setExecutionExceptionHandler(new ErrorHandler())
                .execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
