package dev.defensebench.report;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a leaderboard row shows besides the scores of {@code results.csv}: the entry page link, the
 * sanity badges, the JMH timings, the date and the trend over earlier runs.
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
record EntryExtras(String page, List<Badge> badges, BoardCell latency, BoardCell throughput,
        List<BoardCell> attackCosts, BoardCell date, String trendSvg, List<BoardCell> certified) {

    /** No extras: no page, no badges, no timing, no date, no trend. */
    static final EntryExtras NONE = new EntryExtras("", List.of(), BoardCell.absent("not timed"),
            BoardCell.absent("not timed"), List.of(), BoardCell.absent("date unknown"), "", List.of());

    /** The extras as the template sees them. */
    Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("page", page);
        map.put("badges", badges.stream().map(Badge::asMap).toList());
        map.put("verdict", Badge.verdict(badges).asMap());
        map.put("latency", latency.asMap());
        map.put("throughput", throughput.asMap());
        map.put("attackCosts", attackCosts.stream().map(BoardCell::asMap).toList());
        map.put("date", date.asMap());
        map.put("trendSvg", trendSvg);
        map.put("certified", certified.stream().map(BoardCell::asMap).toList());
        return map;
    }
}
