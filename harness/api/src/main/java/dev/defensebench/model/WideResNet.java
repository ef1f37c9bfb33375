package dev.defensebench.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import java.util.Locale;

/**
 * WideResNet-depth-k (Zagoruyko &amp; Komodakis 2016) as the TRADES and RobustBench code builds it: a
 * bias-free 3×3 stem of 16 channels, three stages of (depth − 4) / 6 pre-activation units with 16k,
 * 32k, 64k channels (strides 1, 2, 2), a final BatchNorm and ReLU, global average pooling, a linear
 * classifier; no dropout. The registered sizes are the nested {@link Wrn28x10} and {@link Wrn16x4}.
 */
public class WideResNet implements Architecture {

    private final int depth;
    private final int widen;

    /** WRN-depth-widen; depth must be 6n + 4. */
    public WideResNet(int depth, int widen) {
        if (depth < 10 || (depth - 4) % 6 != 0 || widen < 1) {
            throw new IllegalArgumentException("a WideResNet needs depth = 6n + 4 >= 10 and widen >= 1, found depth "
                    + depth + ", widen " + widen);
        }
        this.depth = depth;
        this.widen = widen;
    }

    @Override
    public String name() {
        return String.format(Locale.ROOT, "wrn-%d-%d", depth, widen);
    }

    @Override
    public String description() {
        return String.format(Locale.ROOT, "WideResNet-%d-%d (pre-activation, BatchNorm, no dropout)", depth, widen);
    }

    @Override
    public Block build(Shape sampleShape, int numClasses) {
        int units = (depth - 4) / 6;
        // channels-last after the stem at every batch: WRN-16-4 is faster at batch 8 and 128, WRN-28-10 level
        SequentialBlock net = new SequentialBlock().add(ResNetLayers.conv(16, 3, 1)).add(new ChannelsLast());
        net.add(ResNetLayers.stages(true, units, 16, 16 * widen, 3));
        return net.add(ResNetLayers.batchNorm()).add(Activation.reluBlock()).add(ResNetLayers.head(numClasses));
    }

    /** WRN-28-10, the standard robust CIFAR model (36.5M parameters). */
    public static final class Wrn28x10 extends WideResNet {
        public Wrn28x10() {
            super(28, 10);
        }
    }

    /** WRN-16-4, a cheap wide network (2.7M parameters) for quick experiments. */
    public static final class Wrn16x4 extends WideResNet {
        public Wrn16x4() {
            super(16, 4);
        }
    }
}
