package dev.defensebench.app.run;

import ai.djl.ndarray.types.Shape;
import dev.defensebench.model.ModelCard;
import dev.defensebench.onnx.OnnxArchitecture;
import dev.defensebench.onnx.OnnxFile;
import dev.defensebench.onnx.OnnxImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Finds the ONNX file a model fine-tuned from an imported entry started from, for {@code export}: follows the
 * cards' {@code initFrom} links through the sibling model directories to the imported entry's card, and checks
 * that its file still has the SHA-256 recorded there.
 */
public final class ImportedOrigin {

    private ImportedOrigin() {}

    /** The architecture of the model in {@code modelDir} (card {@code card}): its imported graph. */
    public static OnnxArchitecture architecture(Path modelDir, ModelCard card, Shape sampleShape, int numClasses)
            throws IOException {
        ModelCard c = card;
        for (int hops = 0; c.initFrom() != null && hops < 1000; hops++) {
            c = cardOf(modelDir.toAbsolutePath().getParent(), c.initFrom(), card.cellId());
        }
        Object file = c.params() == null ? null : c.params().get("onnx_file");
        Object sha = c.params() == null ? null : c.params().get("onnx_sha256");
        if (!ImportedCell.DEFENSE.equals(c.defense()) || file == null || sha == null) {
            throw new IllegalArgumentException(modelDir + ": its architecture is 'onnx' but its fine-tuning chain ends at "
                    + c.cellId() + ", which is not an imported model with a recorded file");
        }
        Object output = c.params().get("onnx_output");
        OnnxFile onnx = OnnxImporter.inspect(Path.of(file.toString()), Long.MAX_VALUE, sampleShape, numClasses,
                output == null ? null : output.toString());
        if (!onnx.sha256().equals(sha)) {
            throw new IllegalArgumentException(file + ": has SHA-256 " + onnx.sha256() + " but " + card.cellId()
                    + " was fine-tuned from a file with " + sha + "; restore that file to export it");
        }
        return onnx.architecture();
    }

    private static ModelCard cardOf(Path models, Map<String, String> parent, String child) throws IOException {
        try (Stream<Path> dirs = Files.list(models)) {
            for (Path dir : dirs.toList()) {
                ModelCard c = StoredModel.readCard(dir);
                if (c != null && parent.get("cell").equals(c.cellId()) && parent.get("hash").equals(c.cellHash())) {
                    return c;
                }
            }
        }
        throw new IllegalArgumentException(child + " was fine-tuned from " + parent.get("cell") + " (hash "
                + parent.get("hash") + "), whose model directory is not in " + models);
    }
}
