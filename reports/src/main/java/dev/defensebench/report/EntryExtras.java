package dev.defensebench.report;

import java.util.List;

/**
 * What a leaderboard row shows besides the scores of {@code results.csv}: the entry page link, the
 * sanity badges, the JMH timings, the date and the trend over earlier runs.
 * Public because the board template reads it ({@link BoardPageView}); Freemarker reads public types only.
 *
 * @param page        relative link to the entry's page; empty for none
 * @param badges      sanity badges; empty when no {@code sanity.csv} was found
 * @param latency     inference latency, batch 1
 * @param throughput  inference throughput, large batch
 * @param attackCosts attack cost per image, one per timed attack of the site, in the site's order
 * @param date        when the model was trained
 * @param trendSvg    an inline SVG sparkline of the headline number over runs; empty without history
 * @param certified   certified accuracy, one per certified column of the site ({@link CertifiedColumn})
 */
public record EntryExtras(String page, List<Badge> badges, BoardCell latency, BoardCell throughput,
        List<BoardCell> attackCosts, BoardCell date, String trendSvg, List<BoardCell> certified) {

    /** No extras: no page, no badges, no timing, no date, no trend. */
    static final EntryExtras NONE = new EntryExtras("", List.of(), BoardCell.absent("not timed"),
            BoardCell.absent("not timed"), List.of(), BoardCell.absent("date unknown"), "", List.of());
}
