package dev.defensebench.report;

import dev.defensebench.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;

/**
 * The board page {@code index.html}: one sortable board per dataset, the changes since the last run, the
 * failed entries and the timing machine, rendered from a {@link BoardPageView} by {@code leaderboard.ftlh}.
 */
final class BoardPage {

    private static final String TEMPLATE = "leaderboard.ftlh";

    private BoardPage() {
    }

    /** Writes {@code siteDir/index.html}. */
    static void write(SiteContent content, Path siteDir) throws IOException {
        String html = Templates.render(TEMPLATE, view(content));
        AtomicFiles.write(siteDir.resolve(Site.INDEX), out -> out.write(html));
    }

    /** The view of the board page of {@code content}. */
    static BoardPageView view(SiteContent content) {
        ResultSet current = content.current();
        AttackLabels labels = AttackLabels.of(current.rows());
        return new BoardPageView(current.experiment(), content.generatedAt(),
                new BoardPageView.Downloads(OutputLayout.RESULTS, Site.SUMMARY, Formats.integer(current.rows().size())),
                new BoardPageView.Columns(labels.rho2Attack(), content.timedAttacks().stream().map(labels::of).toList(),
                        content.certifiedColumns().stream().map(CertifiedColumn::header).toList(),
                        current.sanity() != null),
                content.tables().stream().map(BoardPage::table).toList(),
                current.failures().stream().map(BoardPage::failure).toList(),
                history(content), timing(current.timing()));
    }

    private static BoardPageView.History history(SiteContent content) {
        ResultSet previous = content.previous();
        List<Change> changes = content.changes();
        return new BoardPageView.History(previous != null, Formats.integer(content.runs().size()),
                previous == null ? "" : previous.label() + " (" + previous.when().truncatedTo(ChronoUnit.SECONDS) + ")",
                changes.stream().map(BoardPage::change).toList(),
                Formats.integer(changes.stream().filter(Change::isRegression).count()),
                Formats.integer(ChangeDetector.TIMING_TOLERANCE_PERCENT));
    }

    private static BoardPageView.Timing timing(TimingReport timing) {
        if (timing == null) {
            return new BoardPageView.Timing("", "");
        }
        StringBuilder settings = new StringBuilder();
        new TreeMap<>(timing.settings()).forEach((k, v) ->
                settings.append(settings.length() == 0 ? "" : " · ").append(k).append(' ').append(v));
        return new BoardPageView.Timing(timing.machine().describe(), settings.toString());
    }

    private static BoardPageView.ChangeLine change(Change c) {
        return new BoardPageView.ChangeLine(c.model(), c.metric(), c.kind().name().toLowerCase(Locale.ROOT), c.before(),
                c.after(), c.detail());
    }

    private static BoardPageView.FailureLine failure(FailedEntry f) {
        return new BoardPageView.FailureLine(f.model(), f.defense(), f.architecture(), f.statusLabel(), f.reason());
    }

    /** The view of one board. */
    static BoardPageView.Table table(BoardTable t) {
        return new BoardPageView.Table(t.dataset(), t.summary(), t.attackColumns(), t.worstColumns(), t.rankedBy(),
                t.worstCaseNote(), t.entries().stream().map(BoardPage::row).toList(), t.indicative(), t.budgetWarning());
    }

    private static BoardPageView.Row row(BoardEntry e) {
        return new BoardPageView.Row(Formats.integer(e.rank()), e.model(), e.defense(), e.architecture(),
                e.provenance().entrySet().stream().map(p -> new LabeledValue(p.getKey(), p.getValue())).toList(),
                new BoardPageView.Scores(e.clean(), e.rho2(), e.attacks(), e.worstCases(), e.trainTime(), e.budget()),
                e.extras(), Badge.verdict(e.extras().badges()));
    }
}
