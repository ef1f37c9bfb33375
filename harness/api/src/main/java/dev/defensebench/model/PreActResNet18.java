package dev.defensebench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;

/**
 * PreAct-ResNet-18 (He et al. 2016b), CIFAR variant as in Rice et al. 2020 and RobustBench: a bias-free
 * 3×3 stem convolution, four stages of two pre-activation units (64, 128, 256, 512 channels; strides
 * 1, 2, 2, 2), a final BatchNorm and ReLU, global average pooling, a linear classifier.
 */
public final class PreActResNet18 implements Architecture {

    private final int width;

    /** The standard widths (64 channels in the first stage). */
    public PreActResNet18() {
        this(64);
    }

    /** The same layout with {@code width} channels in the first stage (tests use small widths). */
    public PreActResNet18(int width) {
        this.width = width;
    }

    @Override
    public String name() {
        return "preact-resnet18";
    }

    @Override
    public String description() {
        return "PreAct-ResNet-18, CIFAR variant (pre-activation units, BatchNorm), 11.2M parameters";
    }

    @Override
    public Block build(Shape sampleShape, int numClasses) {
        SequentialBlock net = new SequentialBlock().add(ResNetLayers.conv(width, 3, 1))
                .add(new ChannelsLast(ResNet18.CHANNELS_LAST_FROM_BATCH));
        net.add(ResNetLayers.stages(true, 2, width, width, 4));
        return net.add(ResNetLayers.batchNorm()).add(Activation.reluBlock()).add(ResNetLayers.head(numClasses));
    }
}
