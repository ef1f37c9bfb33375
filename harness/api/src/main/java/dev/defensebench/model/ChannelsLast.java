package dev.defensebench.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.LambdaBlock;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.autograd.TorchScript;

/**
 * Lays a 4-D activation out channels-last in memory (NHWC strides, the same logical NCHW tensor), so that
 * the convolutions and poolings after it run on libtorch's channels-last CPU kernels: oneDNN convolves NHWC
 * without reordering to and from its blocked format, and max pooling vectorises over the channels. Values
 * and gradients are unchanged (a copy, differentiable twice); only the order of float additions differs.
 * Placed after LeNet's first convolution it takes the network's input gradient at batch 100 from 32 to 25 ms
 * on the development VM (one thread); after the stem convolution of the CIFAR residual networks it speeds
 * WRN-16-4's and ResNet-18's training pass and input gradient at batch 128 by 2–14% (WRN-28-10's are level), but
 * ResNet-18's input gradient at batch 8 is up to 10% slower, so a network can start it from a batch size ({@link #ChannelsLast(int)}; docs/benchmarks.md has the
 * measurements). On a GPU, for other tensors, for batches below that size and inside
 * {@link Autograd#secondOrder} it passes the input through: Deep Defense's unrolled DeepFool gained nothing
 * from it (329–340 against 328 ms per LeNet step), so that graph keeps the layout its measurements were made
 * with. A {@link LambdaBlock}, with no parameters.
 */
public final class ChannelsLast extends LambdaBlock {

    private static final String SOURCE = String.join("\n",
            "class ChannelsLast(Module):",
            "  __parameters__ = []",
            "  __buffers__ = []",
            "  training : bool",
            "  def forward(self: __torch__.ChannelsLast, x: Tensor) -> Tensor:",
            "    return torch.contiguous(x, memory_format=2)",
            "");

    /** Channels-last at every batch size. */
    public ChannelsLast() {
        this(1);
    }

    /** Channels-last for batches of {@code fromBatch} or more samples; smaller batches pass through. */
    public ChannelsLast(int fromBatch) {
        super(list -> new NDList(apply(list.singletonOrThrow(), fromBatch)), "channelsLast");
        if (fromBatch < 1) {
            throw new IllegalArgumentException("fromBatch must be >= 1, found " + fromBatch);
        }
    }

    /** {@code x} laid out channels-last when it is a 4-D CPU tensor, else {@code x} itself. */
    public static NDArray apply(NDArray x) {
        return apply(x, 1);
    }

    /** {@code x} laid out channels-last when it is a 4-D CPU tensor of at least {@code fromBatch} samples. */
    public static NDArray apply(NDArray x, int fromBatch) {
        if (!(x instanceof PtNDArray pt) || x.getShape().dimension() != 4 || x.getShape().get(0) < fromBatch
                || !Device.Type.CPU.equals(x.getDevice().getDeviceType()) || Autograd.isSecondOrder()) {
            return x;
        }
        return TorchScript.compiledOnce("ChannelsLast", SOURCE).runForTensor("forward", (PtNDManager) x.getManager(),
                IValue.from(pt));
    }
}
