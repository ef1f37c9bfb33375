package dev.defensebench.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.autograd.TorchScript;

/**
 * A {@link Conv2d} (same parameters, shapes, export and certification as one) that, while a graph is recorded
 * on a CPU tensor, computes the convolution as im2col and one matrix product per image, {@code W (O, C·kh·kw)
 * @ cols (C·kh·kw, oh·ow)} (one batched product) plus the bias. Its input gradient is then a matrix product and col2im, which libtorch
 * differentiates again. The point is the input gradient of a one-channel first layer: oneDNN's backward-data
 * kernel for one input channel took 21 ms per 100 MNIST images for LeNet's first convolution on the
 * development VM (AMD EPYC family 25, AVX-512 kernels), eleven times its forward pass, and the input gradient is
 * what DeepFool, Deep Defense's unroll and every gradient attack take many times per batch (docs/benchmarks.md,
 * "Where the Deep Defense step's time goes"). Without a graph (evaluation, prediction) it is libtorch's
 * convolution, as {@link Conv2d}. The two differ in the rounding of the sums only.
 */
public final class Im2colConv2d extends Conv2d {

    private static final String SOURCE = String.join("\n",
            "class Im2colConv2d(Module):",
            "  __parameters__ = []",
            "  __buffers__ = []",
            "  training : bool",
            "  def forward(self: __torch__.Im2colConv2d, x: Tensor, weight: Tensor, bias: Tensor,",
            "      kernel: List[int], dilation: List[int], padding: List[int], stride: List[int]) -> Tensor:",
            "    cols = torch.im2col(x, kernel, dilation, padding, stride)",
            // a batched product with the weight expanded (a view): its gradient with respect to cols comes out
            // contiguous (A, C·kh·kw, L), as col2im takes it, and the output is NCHW without a copy
            "    w = torch.reshape(weight, [weight.size(0), -1])",
            "    out = torch.bmm(torch.expand(w, [x.size(0), w.size(0), w.size(1)]), cols)",
            "    out = torch.add(out, torch.unsqueeze(bias, 1))",
            "    oh = (x.size(2) + 2 * padding[0] - dilation[0] * (kernel[0] - 1) - 1) // stride[0] + 1",
            "    ow = (x.size(3) + 2 * padding[1] - dilation[1] * (kernel[1] - 1) - 1) // stride[1] + 1",
            "    return torch.reshape(out, [x.size(0), weight.size(0), oh, ow])",
            "");

    /** The convolution {@code builder} describes; grouped convolutions and ones without bias are refused. */
    public Im2colConv2d(Conv2d.Builder builder) {
        super(builder);
        if (groups != 1 || !includeBias) {
            throw new IllegalArgumentException("Im2colConv2d needs groups = 1 and a bias, found groups " + groups
                    + (includeBias ? "" : " and no bias"));
        }
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (!(x instanceof PtNDArray pt) || !Autograd.isRecording() || !Device.Type.CPU.equals(x.getDevice().getDeviceType())) {
            return super.forwardInternal(store, inputs, training, params);
        }
        Device device = x.getDevice();
        NDArray w = store.getValue(weight, device, training);
        NDArray b = store.getValue(bias, device, training);
        return new NDList(TorchScript.compiledOnce("Im2colConv2d", SOURCE).runForTensor("forward",
                (PtNDManager) x.getManager(), IValue.from(pt), IValue.from((PtNDArray) w), IValue.from((PtNDArray) b),
                IValue.listFrom(kernelShape.getShape()), IValue.listFrom(dilation.getShape()),
                IValue.listFrom(padding.getShape()), IValue.listFrom(stride.getShape())));
    }
}
