package dev.defensebench.spi;

/**
 * One stage of an ensemble attack on one batch at one ε (as the original AutoAttack prints them): the
 * points still robust after the stage (every stage so far applied) and the stage's own time.
 *
 * @param stage the stage's name, e.g. "apgd-ce"
 * @param epsilon the budget
 * @param robust points still classified correctly after this stage
 * @param samples points in the batch
 * @param seconds wall time of this stage
 */
public record StageOutcome(String stage, double epsilon, int robust, int samples, double seconds) {}
