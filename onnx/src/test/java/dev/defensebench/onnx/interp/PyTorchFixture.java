package dev.defensebench.onnx.interp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.defensebench.onnx.graph.Model;
import dev.defensebench.onnx.graph.OnnxCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One model written by {@code src/test/fixtures/make_fixtures.py}: the torch.onnx export, a seeded input
 * batch, PyTorch's logits for it and PyTorch's gradient of the summed cross-entropy (labels i % classes); {@code output}
 * names the classifier output of a graph with several (else null); {@code precision} marks the models that also have
 * PyTorch's float64 gradient ({@link #grad64}).
 */
record PyTorchFixture(String name, long[] inputShape, int classes, long opset, List<String> operators, byte[] onnx,
        float[] input, float[] logits, float[] grad, String output, boolean precision) {

    /** Every fixture listed in the manifest. */
    static List<PyTorchFixture> all() {
        try (InputStream in = resource("manifest.json")) {
            JsonNode manifest = new ObjectMapper().readTree(in);
            List<PyTorchFixture> out = new ArrayList<>();
            for (JsonNode m : manifest.get("models")) {
                out.add(load(m));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixture called {@code name}. */
    static PyTorchFixture named(String name) {
        return all().stream().filter(f -> f.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no fixture " + name));
    }

    private static PyTorchFixture load(JsonNode m) throws IOException {
        String name = m.get("name").asText();
        long[] shape = new long[m.get("input_shape").size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = m.get("input_shape").get(i).asLong();
        }
        List<String> ops = new ArrayList<>();
        m.get("operators").forEach(o -> ops.add(o.asText()));
        return new PyTorchFixture(name, shape, m.get("classes").asInt(), m.get("opset").asLong(), ops, bytes(name + ".onnx"),
                floats(name + ".input.bin"), floats(name + ".logits.bin"), floats(name + ".grad.bin"),
                m.has("output") ? m.get("output").asText() : null, m.has("precision") && m.get("precision").asBoolean());
    }

    /** The decoded model. */
    Model model() {
        return OnnxCodec.decode(onnx);
    }

    /** The decoded model with only its classifier output (the manifest's "output" when the graph has several). */
    Model classifier() {
        return output == null ? model() : dev.defensebench.onnx.graph.ClassifierOutput.select(model(), output);
    }

    /** PyTorch's float64 input gradient of the same loss (precision models only). */
    double[] grad64() {
        ByteBuffer b = ByteBuffer.wrap(PyTorchFixtures.file(name + ".grad64.bin")).order(ByteOrder.LITTLE_ENDIAN);
        double[] d = new double[b.remaining() / 8];
        b.asDoubleBuffer().get(d);
        return d;
    }

    /** The labels the gradient was taken for. */
    int[] labels() {
        int[] labels = new int[(int) inputShape[0]];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % classes;
        }
        return labels;
    }

    private static InputStream resource(String file) {
        InputStream in = PyTorchFixture.class.getResourceAsStream("/fixtures/" + file);
        if (in == null) {
            throw new IllegalStateException("missing test resource /fixtures/" + file + " (run make_fixtures.py)");
        }
        return in;
    }

    private static byte[] bytes(String file) throws IOException {
        try (InputStream in = resource(file)) {
            return in.readAllBytes();
        }
    }

    private static float[] floats(String file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }
}
