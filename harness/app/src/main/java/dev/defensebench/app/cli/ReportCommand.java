package dev.defensebench.app.cli;

import dev.defensebench.report.Change;
import dev.defensebench.report.OutputLayout;
import dev.defensebench.report.ResultSet;
import dev.defensebench.report.Site;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code defense-bench report RESULTS_DIR}: regenerates the site from a results directory without
 * re-running anything, optionally merging earlier runs and failing on regressions.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Regenerate the leaderboard site from a results directory (results.csv, sanity.csv, timing.json, "
                + "gallery.json, models/*/card.json) without re-running anything.",
                "Exit codes: 0 done; 2 bad input; " + ReportCommand.REGRESSION_EXIT + " regressions found with --fail-on-regression."})
final class ReportCommand implements Callable<Integer> {

    /** The exit code of {@code --fail-on-regression} when a regression was found. */
    static final int REGRESSION_EXIT = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RESULTS_DIR", description = "output directory of 'defense-bench run' (holds results.csv)")
    Path results;

    @Option(names = "--out", paramLabel = "SITE_DIR", description = "where to write the site (default: RESULTS_DIR/site)")
    Path out;

    @Option(names = "--history", paramLabel = "DIR", arity = "1..*",
            description = "results directories of earlier runs: merged into trends; the newest is compared with this run")
    List<Path> history = new ArrayList<>();

    @Option(names = "--fail-on-regression",
            description = "exit with code " + REGRESSION_EXIT + " when an entry regressed since the newest --history run")
    boolean failOnRegression;

    @Override
    public Integer call() throws Exception {
        ResultSet current = ResultSet.read(results);
        List<ResultSet> earlier = new ArrayList<>();
        for (Path dir : history) {
            earlier.add(ResultSet.read(dir));
        }
        Path site = out != null ? out : OutputLayout.of(current.dir()).site();
        Site.Result result = Site.write(current, earlier, site, Instant.now());
        PrintWriter o = spec.commandLine().getOut();
        o.println("report: " + result.index().toAbsolutePath() + " (" + result.entries() + " entries)");
        if (result.previous() != null) {
            long regressions = result.changes().stream().filter(Change::isRegression).count();
            o.println("changes since " + result.previous().label() + ": " + result.changes().size() + ", regressions: "
                    + regressions);
            for (Change c : result.changes()) {
                o.println("  " + c.kind().name().toLowerCase(java.util.Locale.ROOT) + "  " + c.model() + "  " + c.metric()
                        + ": " + c.before() + " -> " + c.after() + " (" + c.detail() + ")");
            }
        } else if (failOnRegression) {
            o.println("no --history run given: nothing to compare, no regression possible");
        }
        o.flush();
        return failOnRegression && result.hasRegression() ? REGRESSION_EXIT : 0;
    }
}
