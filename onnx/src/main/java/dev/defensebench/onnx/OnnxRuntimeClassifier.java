package dev.defensebench.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.InputBox;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.function.Function;

/**
 * A black-box {@link Classifier} that computes logits with an ONNX Runtime session, in batches. It
 * gives no gradients: only attacks that need logits alone (and transfer attacks) apply.
 */
public final class OnnxRuntimeClassifier implements Classifier, AutoCloseable {

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final String outputName;
    private final int numClasses;
    private final InputBox box;
    private final int batchSize;
    private final InputLayout layout;

    OnnxRuntimeClassifier(OrtEnvironment env, OrtSession session, String inputName, String outputName, int numClasses,
            InputBox box, int batchSize, InputLayout layout) {
        this.env = env;
        this.outputName = outputName;
        this.layout = layout;
        this.session = session;
        this.inputName = inputName;
        this.numClasses = numClasses;
        this.box = box;
        this.batchSize = batchSize;
    }

    @Override
    public int numClasses() {
        return numClasses;
    }

    @Override
    public Shape sampleShape() {
        return box.sampleShape();
    }

    @Override
    public InputBox box() {
        return box;
    }

    @Override
    public boolean isDifferentiable() {
        return false;
    }

    @Override
    public NDArray inputGradient(NDArray inputs, Function<NDArray, NDArray> objective) {
        throw new UnsupportedOperationException("this model is scored through ONNX Runtime (black box): it has no input "
                + "gradients; use attacks that need only logits, or transfer attacks from a surrogate entry");
    }

    @Override
    public NDArray logits(NDArray inputs) {
        int n = (int) inputs.getShape().get(0);
        int per = (int) sampleShape().size();
        float[] x = inputs.toType(DataType.FLOAT32, false).toFloatArray();
        float[] out = new float[n * numClasses];
        float[] y = run(x, n, per, out);
        return inputs.getManager().create(y, new Shape(n, numClasses)).toDevice(inputs.getDevice(), false);
    }

    /** Logits for {@code n} samples (channels first) of {@code per} values each, written into {@code out}. */
    float[] run(float[] samples, int n, int per, float[] out) {
        float[] x = layout.toFile(samples, n, sampleShape().getShape());
        long[] sample = layout.fileShape(sampleShape().getShape());
        for (int from = 0; from < n; from += batchSize) {
            int size = Math.min(batchSize, n - from);
            long[] shape = new long[sample.length + 1];
            shape[0] = size;
            System.arraycopy(sample, 0, shape, 1, sample.length);
            try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(x, from * per, size * per).slice(), shape);
                    OrtSession.Result result = session.run(Map.of(inputName, tensor), java.util.Set.of(outputName))) {
                if (!(result.get(0) instanceof OnnxTensor logits)) {
                    throw new IllegalStateException("the ONNX model's output is not a tensor");
                }
                long[] got = logits.getInfo().getShape();
                if (got.length != 2 || got[0] != size || got[1] != numClasses) {
                    throw new OnnxImportException("the ONNX model returned logits of shape " + java.util.Arrays.toString(got)
                            + " for a batch of " + size + ", expected [" + size + ", " + numClasses + "]");
                }
                logits.getFloatBuffer().get(out, from * numClasses, size * numClasses);
            } catch (OrtException e) {
                throw new IllegalStateException("ONNX Runtime failed on a batch of " + size + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("cannot close the ONNX Runtime session: " + e.getMessage(), e);
        }
    }
}
