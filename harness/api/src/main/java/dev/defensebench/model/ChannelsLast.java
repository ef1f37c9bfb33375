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
 * without reordering to and from its blocked format, and max pooling vectorises over the channels. Placed
 * after LeNet's first convolution, it takes the network's input gradient at batch 100 from 32 to 25 ms
 * on the development VM (one thread). Values and gradients are unchanged (a copy, differentiable twice). On
 * a GPU, for other tensors, and inside {@link Autograd#secondOrder} it passes the input through: Deep
 * Defense's unrolled DeepFool gained nothing from it (329–340 against 328 ms per LeNet step), so that graph
 * keeps the layout its measurements were made with. A {@link LambdaBlock}, with no parameters.
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

    public ChannelsLast() {
        super(list -> new NDList(apply(list.singletonOrThrow())), "channelsLast");
    }

    /** {@code x} laid out channels-last when it is a 4-D CPU tensor, else {@code x} itself. */
    public static NDArray apply(NDArray x) {
        if (!(x instanceof PtNDArray pt) || x.getShape().dimension() != 4
                || !Device.Type.CPU.equals(x.getDevice().getDeviceType()) || Autograd.isSecondOrder()) {
            return x;
        }
        return TorchScript.compiledOnce("ChannelsLast", SOURCE).runForTensor("forward", (PtNDManager) x.getManager(),
                IValue.from(pt));
    }
}
