package dev.defensebench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

/**
 * The layers the residual architectures share, with PyTorch's defaults so that weights port one to one:
 * bias-free convolutions, BatchNorm with ε = 1e-5 and running statistics updated as
 * {@code r ← 0.9·r + 0.1·batch} (DJL's momentum 0.9 is PyTorch's {@code momentum=0.1}; DJL hands
 * {@code 1 − momentum} to libtorch), and the two residual units: post-activation (He et al. 2016a, the
 * CIFAR ResNet-18) and pre-activation (He et al. 2016b, PreAct-ResNet and WideResNet).
 */
final class ResNetLayers {

    /** DJL's BatchNorm momentum equal to PyTorch's default {@code momentum=0.1}. */
    static final float BN_MOMENTUM = 0.9f;

    static final float BN_EPSILON = 1e-5f;

    private ResNetLayers() {}

    /** A bias-free k×k convolution with padding k/2. */
    static Block conv(int filters, int kernel, int stride) {
        return Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .setFilters(filters)
                .optBias(false)
                .build();
    }

    /** BatchNorm over the channel axis with PyTorch's defaults. */
    static Block batchNorm() {
        return BatchNorm.builder().optMomentum(BN_MOMENTUM).optEpsilon(BN_EPSILON).build();
    }

    /**
     * Post-activation basic unit: {@code relu(bn(conv(relu(bn(conv(x))))) + shortcut(x))}, the shortcut a
     * 1×1 convolution with BatchNorm when the shape changes.
     */
    static Block basicUnit(int in, int out, int stride) {
        Block branch = new SequentialBlock()
                .add(conv(out, 3, stride)).add(batchNorm()).add(Activation.reluBlock())
                .add(conv(out, 3, 1)).add(batchNorm());
        Block shortcut = stride == 1 && in == out
                ? Blocks.identityBlock()
                : new SequentialBlock().add(conv(out, 1, stride)).add(batchNorm());
        return new SequentialBlock().add(new ResidualSum(branch, shortcut)).add(Activation.reluBlock());
    }

    /**
     * Pre-activation unit: {@code conv(relu(bn(conv(relu(bn(x)))))) + shortcut}, where the shortcut is x
     * itself, or a 1×1 convolution of {@code relu(bn(x))} when the shape changes.
     */
    static Block preActUnit(int in, int out, int stride) {
        if (stride == 1 && in == out) {
            return new ResidualSum(new SequentialBlock().add(batchNorm()).add(Activation.reluBlock())
                    .add(preActTail(out, stride)), Blocks.identityBlock());
        }
        return new SequentialBlock().add(batchNorm()).add(Activation.reluBlock())
                .add(new ResidualSum(preActTail(out, stride), conv(out, 1, stride)));
    }

    private static Block preActTail(int out, int stride) {
        return new SequentialBlock()
                .add(conv(out, 3, stride)).add(batchNorm()).add(Activation.reluBlock())
                .add(conv(out, 3, 1));
    }

    /**
     * {@code count} stages of {@code units} residual units each: stage s has {@code firstWidth << s}
     * channels and starts with stride 1 (s = 0) or 2, the first stage taking {@code in} channels.
     */
    static Block stages(boolean preActivation, int units, int in, int firstWidth, int count) {
        SequentialBlock stages = new SequentialBlock();
        int unitIn = in;
        for (int s = 0; s < count; s++) {
            int out = firstWidth << s;
            for (int i = 0; i < units; i++) {
                int stride = i == 0 && s > 0 ? 2 : 1;
                stages.add(preActivation ? preActUnit(unitIn, out, stride) : basicUnit(unitIn, out, stride));
                unitIn = out;
            }
        }
        return stages;
    }

    /** Global average pooling, flattening and the linear classifier. */
    static Block head(int numClasses) {
        return new SequentialBlock()
                .add(Pool.globalAvgPool2dBlock())
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(numClasses).build());
    }
}
