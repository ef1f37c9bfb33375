package dev.defensebench.report;

/**
 * One cell of a leaderboard table.
 * Public because the board template reads it ({@link BoardPageView}); Freemarker reads public types only.
 *
 * @param text      what is shown
 * @param detail    a smaller second line (e.g. a confidence interval); empty for none
 * @param title     a tooltip; empty for none
 * @param sortValue the raw value the table is sorted by (a number or text; empty sorts last)
 */
public record BoardCell(String text, String detail, String title, String sortValue) {

    /** A cell for an absent value. */
    static BoardCell absent(String title) {
        return new BoardCell(Formats.ABSENT, "", title, "");
    }
}
