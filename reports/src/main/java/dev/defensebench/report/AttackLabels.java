package dev.defensebench.report;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The display names of the attacks of a run, as the attacks declared them in the rows' {@code
 * attack_label} column (never looked up by id): an id without a labelled row reads as itself.
 */
final class AttackLabels {

    /** The header of the ρ2 column's attack when no row declares ρ2. */
    static final String NO_RHO2 = "no ρ2 attack";

    private final Map<String, String> byId = new HashMap<>();
    private final String rho2Attack;

    private AttackLabels(List<ResultRow> rows) {
        rows.forEach(r -> byId.putIfAbsent(r.attack(), r.attackLabel()));
        rho2Attack = rows.stream().filter(ResultRow::givesRho2).map(ResultRow::attackLabel).findFirst().orElse(NO_RHO2);
    }

    /** The labels declared in {@code rows}. */
    static AttackLabels of(List<ResultRow> rows) {
        return new AttackLabels(rows);
    }

    /** The display name of {@code attack} (an id). */
    String of(String attack) {
        return byId.getOrDefault(attack, attack);
    }

    /** The display name of the first attack whose rows carry the board's ρ2, or {@link #NO_RHO2}. */
    String rho2Attack() {
        return rho2Attack;
    }
}
