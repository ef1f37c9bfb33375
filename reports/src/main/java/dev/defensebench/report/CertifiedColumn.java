package dev.defensebench.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One board column of the certifiers' rows ({@link ResultRow#isCertified()}): there is one per certifier
 * entry and norm, at the headline ε of that norm (or, without one, the certifier's largest radius).
 * Certified accuracy is a lower bound where an attack's robust accuracy is an upper one, so the rest of
 * the board (ranking, worst case, optimality, trends) never sees these rows: {@link #withoutCertified}.
 *
 * @param certifier the certifier id
 * @param label its display name
 * @param norm the norm label, e.g. "L2"
 * @param epsilon the radius the column reports
 */
record CertifiedColumn(String certifier, String label, String norm, double epsilon) {

    /** The result set without certified rows (what the attack board is computed from). */
    static ResultSet withoutCertified(ResultSet set) {
        return new ResultSet(set.dir(), set.label(), set.when(),
                set.rows().stream().filter(r -> !r.isCertified()).toList(), set.sanity(), set.timing(), set.gallery(),
                set.cards(), set.failures());
    }

    /** The columns of {@code rows}, in order of first appearance, at {@code headline} ε per norm label where given. */
    static List<CertifiedColumn> of(List<ResultRow> rows, Map<String, Double> headline) {
        Set<List<String>> seen = new LinkedHashSet<>();
        List<CertifiedColumn> out = new ArrayList<>();
        for (ResultRow r : rows) {
            if (!r.isCertified() || !seen.add(List.of(r.attack(), r.norm()))) {
                continue;
            }
            double largest = rows.stream().filter(o -> o.isCertified() && o.attack().equals(r.attack())
                    && o.norm().equals(r.norm())).mapToDouble(ResultRow::epsilon).max().orElse(r.epsilon());
            out.add(new CertifiedColumn(r.attack(), r.attackLabel(), r.norm(), headline.getOrDefault(r.norm(), largest)));
        }
        return out;
    }

    /** The column's header text, e.g. "Certified ℓ2 (Randomized smoothing) ε=0.5". */
    String header() {
        return "Certified " + Formats.normName(norm) + " (" + label + ") ε=" + Formats.epsilon(epsilon);
    }

    /** The cell of an entry whose rows are {@code entryRows}. */
    BoardCell cell(List<ResultRow> entryRows) {
        ResultRow row = entryRows.stream().filter(r -> r.isCertified() && r.attack().equals(certifier)
                && r.norm().equals(norm) && r.epsilon() == epsilon).findFirst().orElse(null);
        if (row == null) {
            return BoardCell.absent("not certified at this ε");
        }
        String abstained = Double.isNaN(row.abstentions()) ? "" : " · abstained on " + Formats.integer((long) row.abstentions());
        return new BoardCell(Formats.percent(row.robustAccuracy()), "", "certified accuracy (a lower bound) · 95% CI "
                + Formats.percentRange(row.robustCiLow(), row.robustCiHigh()) + " · n = " + Formats.integer(row.samples())
                + abstained                + " · " + row.attackParams() + " · time " + Formats.duration(row.attackSeconds()),
                Formats.sortValue(row.robustAccuracy()));
    }
}
