package dev.defensebench.report;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One cell of a leaderboard table.
 *
 * @param text      what is shown
 * @param detail    a smaller second line (e.g. a confidence interval); empty for none
 * @param title     a tooltip; empty for none
 * @param sortValue the raw value the table is sorted by (a number or text; empty sorts last)
 */
record BoardCell(String text, String detail, String title, String sortValue) {

    /** A cell for an absent value. */
    static BoardCell absent(String title) {
        return new BoardCell(Formats.ABSENT, "", title, "");
    }

    /** The cell as the template sees it. */
    Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("text", text);
        map.put("detail", detail);
        map.put("title", title);
        map.put("sortValue", sortValue);
        return map;
    }
}
