package dev.defensebench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;

/**
 * ResNet-18, CIFAR variant (the one RobustBench, PGD-AT and TRADES papers train): a 3×3 stride-1 stem
 * with BatchNorm and ReLU and no max-pool, four stages of two post-activation basic units (64, 128, 256,
 * 512 channels; strides 1, 2, 2, 2), global average pooling, a linear classifier. DJL's model zoo
 * {@code ResNetV1} differs for small images (its stem has no BatchNorm), hence this class.
 */
public final class ResNet18 implements Architecture {

    /**
     * Channels-last after the stem from this batch size: faster at batch 128 (training step and input
     * gradient), level at 32, slower at 8 (docs/benchmarks.md, "Channels-last for the CIFAR networks").
     */
    static final int CHANNELS_LAST_FROM_BATCH = 32;

    private final int width;

    /** The standard widths (64 channels in the first stage). */
    public ResNet18() {
        this(64);
    }

    /** The same layout with {@code width} channels in the first stage (tests use small widths). */
    public ResNet18(int width) {
        this.width = width;
    }

    @Override
    public String name() {
        return "resnet18";
    }

    @Override
    public String description() {
        return "ResNet-18, CIFAR variant (3x3 stem, no max-pool, BatchNorm), 11.2M parameters";
    }

    @Override
    public Block build(Shape sampleShape, int numClasses) {
        SequentialBlock net = new SequentialBlock()
                .add(ResNetLayers.conv(width, 3, 1)).add(new ChannelsLast(CHANNELS_LAST_FROM_BATCH))
                .add(ResNetLayers.batchNorm()).add(Activation.reluBlock());
        net.add(ResNetLayers.stages(false, 2, width, width, 4));
        return net.add(ResNetLayers.head(numClasses));
    }
}
