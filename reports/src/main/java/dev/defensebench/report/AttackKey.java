package dev.defensebench.report;

/**
 * Identifies one score column: an attack under a norm at one ε.
 *
 * @param attack  the attack id
 * @param norm    the norm name
 * @param epsilon the budget
 */
record AttackKey(String attack, String norm, double epsilon) {

    /** The key of a result row. */
    static AttackKey of(ResultRow row) {
        return new AttackKey(row.attack(), row.norm(), row.epsilon());
    }

    /** The attack-and-norm part, which groups the columns of one attack. */
    String group() {
        return attack + "\u0000" + norm;
    }
}
