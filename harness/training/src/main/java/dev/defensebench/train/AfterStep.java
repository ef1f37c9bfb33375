package dev.defensebench.train;

import ai.djl.nn.Block;

/**
 * Work done on the network after every optimiser step, outside any graph and inside the step's memory
 * scope: e.g. Parseval networks' retraction of the weight matrices toward tight frames.
 */
@FunctionalInterface
public interface AfterStep {

    /** Does nothing (plain SGD). */
    AfterStep NONE = block -> {};

    /** Updates {@code block}'s parameters in place (no graph is recorded). */
    void apply(Block block);
}
