package dev.defensebench.report;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A sanity-check badge on the board.
 * Public because the board template reads it ({@link BoardPageView}); Freemarker reads public types only.
 *
 * @param check  the check id
 * @param status pass, warn, fail or skip
 * @param title  the tooltip: detail, value and threshold
 */
public record Badge(String check, String status, String title) {

    /** The badge of {@code check}. */
    static Badge of(SanityCheck check) {
        StringBuilder title = new StringBuilder(check.check()).append(": ").append(check.status().label());
        if (!Double.isNaN(check.value())) {
            title.append(" · value ").append(Formats.number(check.value()));
        }
        if (!Double.isNaN(check.threshold())) {
            title.append(" · threshold ").append(Formats.number(check.threshold()));
        }
        if (!check.detail().isEmpty()) {
            title.append(" · ").append(check.detail());
        }
        return new Badge(check.check(), check.status().label(), title.toString());
    }

    /**
     * The one badge that sums up an entry's checks (its sanity verdict): fail when any check failed, else
     * warn when any warned, else pass when any passed, else skip; its title lists every check.
     */
    static Badge verdict(List<Badge> badges) {
        String status = Stream.of("fail", "warn", "pass").filter(s -> badges.stream().anyMatch(b -> b.status().equals(s)))
                .findFirst().orElse("skip");
        return new Badge("verdict", status, badges.stream().map(Badge::title).collect(Collectors.joining("\n")));
    }
}
