package dev.defensebench.report;

import dev.defensebench.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Writes the static leaderboard site of one results directory, optionally with the history of earlier
 * runs: {@code index.html} ({@link BoardPage}: one sortable board per dataset, changes since the last run,
 * the machine), {@code entries/<entry>.html} ({@link EntryPage}: model card, accuracy-vs-ε curves,
 * adversarial examples, sanity checks, timing, trend, how to reproduce), {@code results.csv} and
 * {@code summary.json} ({@link SummaryFile}) for download. Every page is built from one {@link SiteContent};
 * HTML is rendered by Freemarker from typed views with auto-escaping on; CSS, JS, SVG and PNG are inline, so
 * the site makes no network request and works from {@code file://}. The worst-case columns are at the
 * headline ε of {@link HeadlineFile} when the results directory holds one, else at {@link HeadlineEpsilons}'s
 * default.
 */
public final class Site {

    /** The board page. */
    public static final String INDEX = "index.html";
    /** The JSON summary. */
    public static final String SUMMARY = "summary.json";
    /** The directory of the entry pages. */
    public static final String ENTRIES = "entries";

    /**
     * What was written.
     *
     * @param index   the board page
     * @param entries the number of entry pages
     * @param changes the changes since the previous run (empty without history)
     * @param previous the run compared with, or null
     */
    public record Result(Path index, int entries, List<Change> changes, ResultSet previous) {

        /** Whether any change is a regression. */
        public boolean hasRegression() {
            return changes.stream().anyMatch(Change::isRegression);
        }
    }

    private Site() {
    }

    /**
     * Renders {@code full} with {@code history} (earlier runs, any order) into {@code siteDir}.
     *
     * @throws IllegalArgumentException on duplicate rows or cards (see the message)
     */
    public static Result write(ResultSet full, List<ResultSet> history, Path siteDir, Instant generatedAt)
            throws IOException {
        SiteContent content = SiteContent.of(full, history, generatedAt);
        EntryPage.writeAll(content, siteDir);
        writeResults(full, siteDir);
        SummaryFile.write(content, siteDir);
        BoardPage.write(content, siteDir);
        return new Result(siteDir.resolve(INDEX), content.rowsByModel().size(), content.changes(), content.previous());
    }

    /** The rows as they were written ({@code results.csv} copied), or written anew when there is no such file. */
    private static void writeResults(ResultSet full, Path siteDir) throws IOException {
        Files.createDirectories(siteDir);
        Path source = full.dir().resolve(OutputLayout.RESULTS);
        Path target = siteDir.resolve(OutputLayout.RESULTS);
        if (Files.isRegularFile(source)
                && !source.toAbsolutePath().normalize().equals(target.toAbsolutePath().normalize())) {
            AtomicFiles.copy(source, target);
        } else {
            ResultsCsv.write(target, full.rows());
        }
    }
}
