package dev.defensebench.app.timing;

import ai.djl.ndarray.types.Shape;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.files.Json;
import dev.defensebench.model.Architecture;
import dev.defensebench.onnx.OnnxImporter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Everything a JMH benchmark needs to rebuild one trained model and its inputs, written to a JSON file
 * whose path is passed as the benchmark's {@code setup} parameter (so it works in a forked JVM too).
 *
 * @param architecture the architecture id
 * @param onnxFile     for architecture "onnx" (an imported graph), its ONNX file; else null
 * @param sampleShape  the shape of one sample (channels, height, width)
 * @param numClasses   the number of classes
 * @param parameters   the model.params file
 * @param device       "cpu" or "gpu"
 * @param lower        the input box's lower bound (per input element)
 * @param upper        the input box's upper bound
 * @param inputs       test images, flattened, {@code count × prod(sampleShape)}
 * @param labels       their labels
 * @param attack       the attack to time, or null
 * @param norm         the attack's norm
 * @param epsilon      the attack's budget
 * @param attackParams the attack's parameters
 * @param seed         the attack's seed
 */
public record BenchmarkSetup(String architecture, String onnxFile, long[] sampleShape, int numClasses, String parameters, String device,
        float[] lower, float[] upper, float[] inputs, long[] labels, String attack, String norm, double epsilon,
        Map<String, Object> attackParams, long seed) {

    /** Writes this setup to {@code file}. */
    public void write(Path file) throws IOException {
        Json.MAPPER.writeValue(file.toFile(), this);
    }

    /** Reads a setup written by {@link #write}. */
    public static BenchmarkSetup read(String file) throws IOException {
        return Json.MAPPER.readValue(Path.of(file).toFile(), BenchmarkSetup.class);
    }

    /** The network the setup's parameters belong to: a registered architecture, or the imported graph. */
    public Architecture network(Plugins plugins) {
        Shape shape = new Shape(sampleShape);
        return onnxFile == null ? plugins.architecture(architecture)
                : OnnxImporter.inspect(Path.of(onnxFile), Long.MAX_VALUE, shape, numClasses).architecture();
    }

    /** The number of images in {@link #inputs}. */
    public int count() {
        return labels.length;
    }

    /** This setup for another attack (or none). */
    public BenchmarkSetup withAttack(String attackName, String attackNorm, double eps, Map<String, Object> params,
            long attackSeed) {
        return new BenchmarkSetup(architecture, onnxFile, sampleShape, numClasses, parameters, device, lower, upper, inputs, labels,
                attackName, attackNorm, eps, params, attackSeed);
    }
}
