package dev.defensebench.report;

import java.util.List;
import java.util.Map;

/**
 * One model's row of a leaderboard table.
 *
 * @param rank         1-based position after ranking
 * @param model        the entry id
 * @param defense      the defense id
 * @param architecture the architecture id
 * @param clean        clean accuracy with its Wilson interval
 * @param rho2         ρ2 of DeepFool
 * @param attacks      robust accuracy per score column, in the table's column order
 * @param worstCases   worst-case robust accuracy per worst-case column
 * @param trainTime    training time
 * @param budget       training budget: images seen with the ancestors', passes per image
 * @param provenance   label-to-value lines shown under the model id
 * @param rankScore    the primary ranking score (worst case, or clean accuracy); NaN sorts last
 * @param cleanScore   clean accuracy, the tie-breaker; NaN sorts last
 * @param extras       sanity badges, timing cells, trend and page link
 */
record BoardEntry(int rank, String model, String defense, String architecture, BoardCell clean, BoardCell rho2,
        List<BoardCell> attacks, List<BoardCell> worstCases, BoardCell trainTime, BoardCell budget, Map<String, String> provenance,
        double rankScore, double cleanScore, EntryExtras extras) {

    /** This entry at {@code newRank}. */
    BoardEntry withRank(int newRank) {
        return new BoardEntry(newRank, model, defense, architecture, clean, rho2, attacks, worstCases, trainTime,
                budget, provenance, rankScore, cleanScore, extras);
    }
}
