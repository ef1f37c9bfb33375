package dev.defensebench.app.cli;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.ParallelBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import dev.defensebench.model.ResidualSum;

/**
 * The multiply-adds of one sample's forward pass through a network's convolutions and linear layers,
 * counted from the initialised network's own shapes: a convolution makes {@code C_out · (C_in / groups) ·
 * k_h · k_w} multiply-adds per output position, a linear layer {@code in · out} per row. BatchNorm,
 * activations, pooling, residual additions and biases are not counted (each well under 1% of a
 * convolutional network's work). A FLOP is half a multiply-add, so one forward pass is {@code 2 ·
 * multiply-adds · batch} FLOPs (the rule {@link ScaleRow} builds the steps' counts on).
 */
final class NetworkFlops {

    private NetworkFlops() {}

    /**
     * Multiply-adds per sample of {@code block} (initialised) on samples of {@code sampleShape} (no batch
     * axis). A composite block other than a sequence, a parallel block or a {@link ResidualSum} is refused
     * by name, since its children's inputs cannot be known.
     */
    static long multiplyAdds(Block block, Shape sampleShape) {
        return count(block, new Shape(1).addAll(sampleShape), "network");
    }

    private static long count(Block block, Shape input, String path) {
        if (block instanceof Convolution conv) {
            Shape w = weight(conv, path);
            Shape out = conv.getOutputShapes(new Shape[] {input})[0];
            long positions = out.size() / out.get(1);
            return positions * w.size();
        }
        if (block instanceof Linear linear) {
            Shape w = weight(linear, path);
            long rows = input.size() / w.get(1);
            return rows * w.size();
        }
        if (block instanceof SequentialBlock) {
            long total = 0;
            Shape current = input;
            int i = 0;
            for (Block child : block.getChildren().values()) {
                total += count(child, current, path + "." + i++);
                current = child.getOutputShapes(new Shape[] {current})[0];
            }
            return total;
        }
        if (block instanceof ResidualSum || block instanceof ParallelBlock) {
            long total = 0;
            for (var child : block.getChildren()) {
                total += count(child.getValue(), input, path + "." + child.getKey());
            }
            return total;
        }
        if (!block.getChildren().isEmpty()) {
            throw new IllegalArgumentException("cannot count the multiply-adds of block " + path + " ("
                    + block.getClass().getName() + "): only sequences, parallel blocks and residual sums are walked");
        }
        return 0;
    }

    private static Shape weight(Block block, String path) {
        var weight = block.getParameters().get("weight");
        if (weight == null || !weight.isInitialized()) {
            throw new IllegalArgumentException("block " + path + " has no initialised weight to count multiply-adds from");
        }
        return weight.getArray().getShape();
    }
}
