package dev.defensebench.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import java.util.Locale;
import java.util.Set;

/**
 * How ONNX Runtime sessions are configured: intra-op threads (0 = one per available core) and the
 * device ("auto" takes the CUDA execution provider when the ONNX Runtime build on the class path has
 * it, i.e. {@code onnxruntime_gpu}; "cpu" never; "gpu" insists), and the inference batch size.
 *
 * @param threads intra-op threads; 0 means {@link Runtime#availableProcessors()}
 * @param device "auto", "cpu" or "gpu"
 * @param batchSize samples per ONNX Runtime call
 */
public record OnnxRuntimeSettings(int threads, String device, int batchSize) {

    private static final Set<String> DEVICES = Set.of("auto", "cpu", "gpu");

    public OnnxRuntimeSettings {
        if (threads < 0) {
            throw new IllegalArgumentException("ONNX Runtime threads must be >= 0, found " + threads);
        }
        if (!DEVICES.contains(device)) {
            throw new IllegalArgumentException("ONNX Runtime device must be one of " + DEVICES + ", found '" + device + "'");
        }
        if (batchSize <= 0) {
            throw new IllegalArgumentException("ONNX Runtime batch size must be > 0, found " + batchSize);
        }
    }

    /** All cores, CUDA when available, batches of 256. */
    public static OnnxRuntimeSettings defaults() {
        return new OnnxRuntimeSettings(0, "auto", 256);
    }

    /** Whether the ONNX Runtime on the class path offers the CUDA execution provider. */
    public static boolean cudaAvailable() {
        return OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA);
    }

    /** Session options for these settings; the caller closes them. */
    OrtSession.SessionOptions sessionOptions() throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(threads == 0 ? Runtime.getRuntime().availableProcessors() : threads);
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.BASIC_OPT);
        boolean cuda = cudaAvailable();
        if (device.equals("gpu") && !cuda) {
            options.close();
            throw new OnnxImportException("ONNX Runtime device 'gpu' was asked for but this ONNX Runtime build has no CUDA "
                    + "execution provider (available: " + OrtEnvironment.getAvailableProviders() + "); put "
                    + "com.microsoft.onnxruntime:onnxruntime_gpu on the class path instead of onnxruntime");
        }
        if (cuda && !device.equals("cpu")) {
            options.addCUDA(0);
        }
        return options;
    }

    /** The execution provider a session gets, for cards and logs. */
    public String providerLabel() {
        return (cudaAvailable() && !device.equals("cpu") ? "CUDA" : "CPU").toLowerCase(Locale.ROOT);
    }
}
