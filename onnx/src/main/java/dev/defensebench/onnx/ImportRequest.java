package dev.defensebench.onnx;

import dev.defensebench.spi.InputBox;
import java.nio.file.Path;

/**
 * What an ONNX import must satisfy.
 *
 * @param file the .onnx file
 * @param numClasses the data set's class count (the model's output size must equal it)
 * @param box the preprocessed input range; its sample shape is the input shape the model must accept
 * @param maxBytes files larger than this are refused before they are read
 * @param tryDjl whether to rebuild the graph as a DJL network (white-box) when it uses only supported operators
 * @param runtime ONNX Runtime threads, device and batch size
 * @param output the classifier output's name (the entry's 'output' key), or null: the only output, or the only FLOAT
 *     [batch, classes] one ({@link dev.defensebench.onnx.graph.ClassifierOutput})
 */
public record ImportRequest(Path file, int numClasses, InputBox box, long maxBytes, boolean tryDjl, OnnxRuntimeSettings runtime,
        String output) {

    /** The default size limit: 256 MiB. */
    public static final long DEFAULT_MAX_BYTES = 256L << 20;

    /** A request that lets the importer choose the classifier output. */
    public ImportRequest(Path file, int numClasses, InputBox box, long maxBytes, boolean tryDjl, OnnxRuntimeSettings runtime) {
        this(file, numClasses, box, maxBytes, tryDjl, runtime, null);
    }

    public ImportRequest {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("the ONNX size limit must be > 0 bytes, found " + maxBytes);
        }
        if (numClasses <= 0) {
            throw new IllegalArgumentException("numClasses must be > 0, found " + numClasses);
        }
    }
}
