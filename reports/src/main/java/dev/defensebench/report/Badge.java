package dev.defensebench.report;

import java.util.Map;

/**
 * A sanity-check badge on the board.
 *
 * @param check  the check id
 * @param status pass, warn, fail or skip
 * @param title  the tooltip: detail, value and threshold
 */
record Badge(String check, String status, String title) {

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

    /** The badge as the template sees it. */
    Map<String, Object> asMap() {
        return Map.of("check", check, "status", status, "title", title);
    }
}
