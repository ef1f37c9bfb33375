package dev.defensebench.app.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.data.Preprocessing;
import dev.defensebench.data.Preprocessor;
import dev.defensebench.files.AtomicFiles;
import dev.defensebench.model.Architecture;
import dev.defensebench.model.ModelCard;
import dev.defensebench.onnx.ImportRequest;
import dev.defensebench.onnx.ImportedModel;
import dev.defensebench.onnx.OnnxExporter;
import dev.defensebench.onnx.OnnxImporter;
import dev.defensebench.onnx.OnnxMetadata;
import dev.defensebench.onnx.OnnxRuntimeSettings;
import dev.defensebench.onnx.graph.OnnxCodec;
import dev.defensebench.spi.InputBox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Writes a trained model as an ONNX file (provenance and preprocessing in its metadata) and checks
 * it before it is kept: ONNX Runtime's logits on the given inputs must equal, within
 * {@value #TOLERANCE} (relative to max(1, |logit|)), DJL's evaluation of the same float32 weights in
 * float64. The file is written atomically, only once it passed; a model with non-finite weights, or one
 * that fails the check, is refused with an {@link IllegalArgumentException} naming it.
 */
public final class ModelExport {

    /** Allowed relative logit difference between ONNX Runtime and the exact (float64) DJL evaluation. */
    public static final double TOLERANCE = 1e-4;

    /**
     * What the check measured.
     *
     * @param samples how many inputs were compared
     * @param maxDifference largest relative |logit| difference, ONNX Runtime vs DJL in float64 (the exact value)
     * @param maxDifferenceFloat32 the same against DJL's own float32 forward pass (informative)
     * @param bytes the file's size
     */
    public record Check(int samples, double maxDifference, double maxDifferenceFloat32, long bytes) {

        /** One line for logs and the command line. */
        public String describe() {
            return String.format(Locale.ROOT, "%d bytes; on %d inputs, max relative logit difference ONNX Runtime vs DJL "
                    + "(float64) %.3g, vs DJL float32 %.3g", bytes, samples, maxDifference, maxDifferenceFloat32);
        }
    }

    private ModelExport() {}

    /** The metadata_props of an exported model. */
    public static Map<String, String> metadata(ModelCard card, Preprocessor preprocessor, Shape sampleShape, int numClasses) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(OnnxMetadata.PREPROCESSING, preprocessor.kind().id());
        m.put(OnnxMetadata.PREPROCESSING_DETAIL, preprocessor.describe());
        if (preprocessor.kind() == Preprocessing.PAPER) {
            float[] mean = preprocessor.mean();
            m.put(OnnxMetadata.PREPROCESSING_MEAN, IntStream.range(0, mean.length).mapToObj(i -> Float.toString(mean[i]))
                    .collect(Collectors.joining(",")));
            m.put(OnnxMetadata.INPUT_RANGE, "raw 0..255 pixels minus " + OnnxMetadata.PREPROCESSING_MEAN);
        } else if (preprocessor.kind().scaled()) {
            m.put(OnnxMetadata.INPUT_RANGE, preprocessor.describe());
        } else {
            m.put(OnnxMetadata.INPUT_RANGE, "[0, 1]: pixels / 255");
        }
        m.put(OnnxMetadata.INPUT_SHAPE, LongsText.of(sampleShape.getShape()));
        m.put(OnnxMetadata.NUM_CLASSES, Integer.toString(numClasses));
        m.put(OnnxMetadata.DATASET, card.data().dataset());
        m.put(OnnxMetadata.DATASET_SHA256, card.data().sha256());
        m.put(OnnxMetadata.CELL, card.cellId());
        m.put(OnnxMetadata.CELL_HASH, card.cellHash());
        m.put(OnnxMetadata.DEFENSE, card.defense());
        m.put(OnnxMetadata.ARCHITECTURE, card.architecture());
        return m;
    }

    /**
     * Exports {@code block} (built by {@code architecture}) to {@code file} and checks it on
     * {@code inputs} (N × sample values, N ≥ 1).
     */
    public static Check write(Block block, Architecture architecture, ModelCard card, Preprocessor preprocessor,
            InputBox box, int numClasses, float[] inputs, Path file) throws IOException {
        Shape sampleShape = box.sampleShape();
        for (var p : block.getParameters()) {
            NDArray values = p.getValue().getArray();
            if (values.isNaN().any().getBoolean() || values.isInfinite().any().getBoolean()) {
                throw new IllegalArgumentException("cannot export " + card.cellId() + ": its parameter '" + p.getKey()
                        + "' holds NaN or infinite values (did the training diverge? see the card's metrics)");
            }
        }
        byte[] bytes = OnnxCodec.encode(OnnxExporter.export(block, sampleShape, numClasses, Versions.harness(),
                metadata(card, preprocessor, sampleShape, numClasses)));
        Path absolute = file.toAbsolutePath();
        Path temp = null;
        try {
            try {
                // checked where no folder has to be created: a failed export leaves no new folder behind
                temp = Files.createTempFile(WriteTarget.existingFolder(absolute), "." + absolute.getFileName(), ".tmp");
                Files.write(temp, bytes);
            } catch (IOException e) {
                throw WriteTarget.failure(absolute, e);
            }
            Check check = check(block, architecture, box, numClasses, inputs, temp, bytes.length);
            if (!(check.maxDifference() <= TOLERANCE)) {
                throw new IllegalArgumentException("the exported ONNX model of " + card.cellId() + " disagrees with DJL: "
                        + check.describe() + " (allowed " + TOLERANCE + "); not written");
            }
            try {
                AtomicFiles.write(absolute, bytes); // with the umask's permissions, unlike the checked temporary file
            } catch (IOException e) {
                throw WriteTarget.failure(absolute, e);
            }
            return check;
        } finally {
            if (temp != null) {
                Files.deleteIfExists(temp);
            }
        }
    }

    private static Check check(Block block, Architecture architecture, InputBox box, int numClasses, float[] inputs,
            Path file, long size) {
        Shape sampleShape = box.sampleShape();
        int n = inputs.length / (int) sampleShape.size();
        try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu());
                ImportedModel runtime = OnnxImporter.load(new ImportRequest(file, numClasses, box, Long.MAX_VALUE, false,
                        new OnnxRuntimeSettings(0, "cpu", 256)), manager)) {
            NDArray x = manager.create(inputs, new Shape(n).addAll(sampleShape));
            float[] onnx = runtime.classifier().logits(x).toFloatArray();
            Block wide = architecture.build(sampleShape, numClasses);
            wide.initialize(manager, DataType.FLOAT64, new Shape(1).addAll(sampleShape));
            List<Parameter> narrow = block.getParameters().values();
            List<Parameter> twin = wide.getParameters().values();
            for (int i = 0; i < narrow.size(); i++) {
                twin.get(i).getArray().set(narrow.get(i).getArray().toType(DataType.FLOAT64, false).toDoubleArray());
            }
            double[] exact = Autograd.notRecording(() -> wide.forward(new ParameterStore(), new NDList(x.toType(DataType.FLOAT64,
                    false)), false).singletonOrThrow()).toDoubleArray();
            NDArray onDevice = x.toDevice(block.getParameters().valueAt(0).getArray().getDevice(), false);
            float[] djl32 = Autograd.notRecording(() -> block.forward(new ParameterStore(), new NDList(onDevice), false)
                    .singletonOrThrow()).toFloatArray();
            double worst = 0;
            double worst32 = 0;
            for (int i = 0; i < onnx.length; i++) {
                worst = Math.max(worst, Math.abs(onnx[i] - exact[i]) / Math.max(1, Math.abs(exact[i])));
                worst32 = Math.max(worst32, Math.abs(onnx[i] - djl32[i]) / Math.max(1, Math.abs(djl32[i])));
                if (Double.isNaN(onnx[i]) || Double.isNaN(exact[i])) {
                    worst = Double.NaN;
                }
            }
            return new Check(n, worst, worst32, size);
        }
    }
}
