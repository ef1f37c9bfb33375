package dev.defensebench.report;

import java.util.Map;

/**
 * The head of a score column of a leaderboard table.
 *
 * @param label what the header shows, e.g. "FGSM ε=0.1"
 * @param title a tooltip explaining the column
 */
record BoardColumn(String label, String title) {

    /** The column as the template sees it. */
    Map<String, Object> asMap() {
        return Map.of("label", label, "title", title);
    }
}
