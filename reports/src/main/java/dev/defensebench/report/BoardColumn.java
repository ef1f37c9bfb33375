package dev.defensebench.report;

/**
 * The head of a score column of a leaderboard table.
 * Public because the board template reads it ({@link BoardPageView}); Freemarker reads public types only.
 *
 * @param label what the header shows, e.g. "FGSM ε=0.1"
 * @param title a tooltip explaining the column
 */
public record BoardColumn(String label, String title) {
}
