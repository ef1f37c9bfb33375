package dev.defensebench.autograd;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;
import java.util.function.Supplier;

/**
 * Gradients of a scalar with respect to any tensors, optionally keeping the graph (higher-order
 * gradients), without touching any parameter's {@code .grad}.
 *
 * <p>It calls {@code torch.autograd.grad} through a tiny TorchScript module ({@link GradHelperModule})
 * instead of DJL's {@code GradientCollector}: that route accumulates nothing into parameters, so it does
 * not leak the graph across steps (the {@code backward(createGraph=true)} route leaks ~7 MB per step), it
 * is not limited to one open collector per JVM, and it works on CPU and CUDA tensors alike. The training
 * loop uses it for parameter gradients too.
 */
public final class Autograd {

    private Autograd() {}

    /** Runs {@code body} with PyTorch's (thread-local) grad mode on, restoring the previous mode after. */
    public static <T> T recording(Supplier<T> body) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(true);
        try {
            return body.get();
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    /** Runs {@code body} with grad mode off (no graph is recorded), restoring the previous mode after. */
    public static <T> T notRecording(Supplier<T> body) {
        boolean previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try {
            return body.get();
        } finally {
            JniUtils.setGradMode(previous);
        }
    }

    private static final ThreadLocal<Boolean> SECOND_ORDER = ThreadLocal.withInitial(() -> false);

    /**
     * Runs {@code body} marked as building a graph that will be differentiated twice (Deep Defense's unrolled
     * DeepFool), restoring the previous mark after. Layers whose faster route pays off only for first-order
     * gradients ({@code ChannelsLast}) keep the plain route inside it. The mark is per thread.
     */
    public static <T> T secondOrder(Supplier<T> body) {
        boolean previous = SECOND_ORDER.get();
        SECOND_ORDER.set(true);
        try {
            return body.get();
        } finally {
            SECOND_ORDER.set(previous);
        }
    }

    /** Whether this thread is inside {@link #secondOrder}. */
    public static boolean isSecondOrder() {
        return SECOND_ORDER.get();
    }

    /** Whether a graph is being recorded on this thread. */
    public static boolean isRecording() {
        return JniUtils.isGradMode();
    }

    /**
     * A copy of {@code array} cut from any graph that does require gradient: a fresh leaf to
     * differentiate with respect to. Call inside {@link #recording}.
     */
    public static NDArray leaf(NDArray array) {
        NDArray copy = array.stopGradient();
        copy.setRequiresGradient(true);
        return copy;
    }

    /**
     * Gradient of the scalar {@code output} with respect to each of {@code inputs}. With {@code
     * createGraph} the result carries its own graph, so a loss built on it can be differentiated again.
     * An input that {@code output} does not depend on gets zeros. The arrays are owned by the manager of
     * the first input.
     */
    public static NDList gradients(NDArray output, List<NDArray> inputs, boolean createGraph) {
        if (output.getShape().size() != 1) {
            throw new IllegalArgumentException(
                    "gradients() needs a scalar output, got shape " + output.getShape());
        }
        PtNDManager manager = (PtNDManager) inputs.get(0).getManager();
        PtNDArray[] in = inputs.stream().map(a -> (PtNDArray) a).toArray(PtNDArray[]::new);
        IValue out = IValue.from((PtNDArray) output.reshape());
        IValue list = IValue.listFrom(in);
        IValue flag = IValue.from(createGraph);
        IValue result = null;
        try {
            result = GradHelperModule.instance().run("forward", out, list, flag);
            return new NDList(result.toTensorArray(manager));
        } finally {
            out.close();
            list.close();
            flag.close();
            if (result != null) {
                result.close();
            }
        }
    }

    /**
     * The Jacobian of {@code output} (B, K) with respect to {@code input} (B, ...), as (K, B, ...): slice k
     * holds the gradient of {@code output[:, k].sum()}, i.e. every sample's gradient of its logit k when
     * the samples are independent. One forward graph, K backward passes (graph retained between them),
     * no graph kept on the result.
     */
    public static NDArray jacobian(NDArray output, NDArray input) {
        PassCounter.backward(output.getShape().size());
        return GradHelperModule.instance().runForTensor("jacobian", (PtNDManager) input.getManager(),
                IValue.from((PtNDArray) output), IValue.from((PtNDArray) input));
    }

    /** Gradient of the scalar {@code output} with respect to one input; see {@link #gradients}. */
    public static NDArray gradient(NDArray output, NDArray input, boolean createGraph) {
        PassCounter.backward(input.getShape().get(0));
        return gradients(output, List.of(input), createGraph).get(0);
    }
}
