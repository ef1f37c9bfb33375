package dev.defensebench.kernels;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;

/**
 * A start-up check that the engine's float32 convolution and matrix product compute what the float64 ones
 * do. On some virtual machines (seen on an AMD EPYC guest with AVX-512) libtorch's oneDNN AVX kernels return
 * convolutions that are off by ~15%, silently: every conv-net number trained or attacked there would
 * be wrong. Restricting oneDNN to SSE4.1 ({@code DNNL_MAX_CPU_ISA=SSE41}) makes them exact there. The
 * launcher picks the fastest ISA for which this check passes ({@link KernelChoice}); every run and test
 * JVM repeats the check under the ISA it was given. The check takes a few milliseconds.
 */
public final class NumericsCheck {

    /** The largest relative error of a float32 convolution that is accepted (float32 rounding is ~1e-6). */
    static final double TOLERANCE = 1e-4;

    private NumericsCheck() {}

    /** Max |conv32 − conv64| / max |conv64| for a LeNet-sized convolution (20→50 channels, 5×5) on {@code device}. */
    public static double convolutionRelativeError(Device device) {
        try (NDManager m = NDManager.newBaseManager(device)) {
            Engine.getInstance().setRandomSeed(12345);
            NDArray x = m.randomUniform(0, 1, new Shape(16, 20, 12, 12), DataType.FLOAT64);
            NDArray w = m.randomNormal(0, 0.05f, new Shape(50, 20, 5, 5), DataType.FLOAT64);
            NDArray b = m.zeros(new Shape(50), DataType.FLOAT64);
            NDArray exact = conv(x, w, b);
            NDArray single = conv(x.toType(DataType.FLOAT32, false), w.toType(DataType.FLOAT32, false),
                    b.toType(DataType.FLOAT32, false)).toType(DataType.FLOAT64, false);
            return relative(single, exact);
        }
    }

    private static double relative(NDArray single, NDArray exact) {
        double scale = exact.abs().max().getDouble();
        double error = single.sub(exact).abs().max().getDouble();
        return Double.isNaN(error) ? Double.POSITIVE_INFINITY : error / scale;
    }

    /**
     * Max |linear32 − linear64| / max |linear64| for an MLP-sized fully connected layer (784 → 500, batch
     * 64): the matrix product libtorch hands to MKL, whose code path the launcher may choose ({@link
     * MklDispatch}).
     */
    public static double linearRelativeError(Device device) {
        try (NDManager m = NDManager.newBaseManager(device)) {
            Engine.getInstance().setRandomSeed(12345);
            NDArray x = m.randomUniform(0, 1, new Shape(64, 784), DataType.FLOAT64);
            NDArray w = m.randomNormal(0, 0.05f, new Shape(500, 784), DataType.FLOAT64);
            NDArray b = m.randomNormal(0, 0.05f, new Shape(500), DataType.FLOAT64);
            NDArray exact = Linear.linear(x, w, b).singletonOrThrow();
            NDArray single = Linear.linear(x.toType(DataType.FLOAT32, false), w.toType(DataType.FLOAT32, false),
                    b.toType(DataType.FLOAT32, false)).singletonOrThrow().toType(DataType.FLOAT64, false);
            return relative(single, exact);
        }
    }

    /**
     * Throws when float32 convolutions or matrix products are wrong on {@code device}, naming the error and
     * the fix.
     *
     * @throws IllegalStateException when a relative error exceeds {@link #TOLERANCE}
     */
    public static void requireSoundKernels(Device device) {
        double conv = convolutionRelativeError(device);
        if (!(conv <= TOLERANCE)) {
            String isa = System.getenv("DNNL_MAX_CPU_ISA");
            throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                    "float32 convolutions are wrong on this machine (relative error %.3g against float64, tolerance %.0e; "
                            + "DNNL_MAX_CPU_ISA=%s): conv-net results would be meaningless. Run with "
                            + "DNNL_MAX_CPU_ISA=SSE41, or unset it and let the ./defense-bench launcher choose an ISA "
                            + "that passes this check (it caches its verdict in %s).",
                    conv, TOLERANCE, isa == null ? "(unset)" : isa, IsaVerdictCache.standard().file(MachineKey.current())));
        }
        double linear = linearRelativeError(device);
        if (!(linear <= TOLERANCE)) {
            throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                    "float32 matrix products are wrong on this machine (relative error %.3g against float64, tolerance %.0e; "
                            + "MKL dispatch: %s): every result would be meaningless. Run with %s=off, or unset it and let "
                            + "the ./defense-bench launcher check the dispatch (it caches its verdict in %s).",
                    linear, TOLERANCE, MklDispatch.activeShim().map(f -> "Intel code path through " + f).orElse("MKL's own"),
                    MklDispatch.SETTING_ENV, MklDispatch.CACHE_DIR));
        }
    }

    private static NDArray conv(NDArray x, NDArray w, NDArray b) {
        return Conv2d.conv2d(x, w, b, new Shape(1, 1), new Shape(0, 0), new Shape(1, 1), 1).singletonOrThrow();
    }
}
