package dev.defensebench.model;

/**
 * How a network with BatchNorm runs a forward pass (networks without BatchNorm behave the same in all
 * three modes).
 */
public enum ForwardMode {
    /** PyTorch's {@code eval()}: normalise with the running statistics; nothing is updated. */
    INFERENCE,
    /** PyTorch's {@code train()}: normalise with the batch's statistics and update the running ones. */
    TRAINING,
    /** Normalise with the batch's statistics but leave the running ones exactly as they were. */
    BATCH_STATISTICS
}
