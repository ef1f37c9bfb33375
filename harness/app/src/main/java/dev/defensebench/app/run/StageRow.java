package dev.defensebench.app.run;

/**
 * One stage of an ensemble attack over the whole test subset at one ε, stored in the evaluation file:
 * the robust accuracy after the stage (all stages so far applied) and the stage's time, summed over
 * the batches.
 *
 * @param attack the ensemble's name
 * @param norm the norm's label
 * @param epsilon the budget
 * @param stage the stage's name
 * @param robustAccuracy the fraction of the test subset still robust after the stage
 * @param samples the test subset's size
 * @param seconds the stage's time over all batches
 */
public record StageRow(String attack, String norm, double epsilon, String stage, double robustAccuracy, int samples,
        double seconds) {}
