package dev.defensebench.app.run;

import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentException;
import dev.defensebench.app.config.ImageFolderConfig;
import dev.defensebench.app.config.ModelEntry;
import dev.defensebench.data.DatasetRegistry;
import dev.defensebench.data.ImageFolderLoader;
import dev.defensebench.data.ImageFolderSpec;
import dev.defensebench.data.LoadedDataset;
import dev.defensebench.onnx.OnnxFileReader;
import dev.defensebench.onnx.graph.Dimension;
import dev.defensebench.onnx.graph.ValueInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The data an experiment runs on: a registered data set, or ({@code dataset: imagefolder}) the user's images,
 * sized to the experiment's {@code crop} or else to the square input the imported models declare.
 */
final class ExperimentData {

    private ExperimentData() {}

    /** Loads the experiment's data; an image folder's listing problems are reported before any image is decoded. */
    static LoadedDataset load(Experiment experiment, DatasetRegistry datasets, Path dataDir) throws IOException {
        if (!ImageFolderLoader.NAME.equals(experiment.dataset())) {
            return datasets.load(experiment.dataset(), dataDir);
        }
        return ImageFolderLoader.open(spec(experiment)).load(dataDir);
    }

    /** The image folder of {@code experiment}: its keys, the crop the models ask for, and {@code test_size} images. */
    static ImageFolderSpec spec(Experiment experiment) {
        ImageFolderConfig c = experiment.imageFolder();
        int crop = c.crop() != null ? c.crop() : modelSide(experiment);
        int resize = c.resize() != null ? c.resize() : Math.max(crop, ImageFolderSpec.defaultResize(crop));
        try {
            return new ImageFolderSpec(c.root() == null ? null : Path.of(c.root()), c.csv() == null ? null : Path.of(c.csv()),
                    c.numClasses(), resize, crop, experiment.testSize(), c.seed());
        } catch (IllegalArgumentException e) {
            throw new ExperimentException("image_folder: " + e.getMessage(), e);
        }
    }

    /**
     * The side of the square RGB input the imported entries declare ({@code input_shape} [3, S, S], else the file's
     * input [batch, 3, S, S] or [batch, S, S, 3]); an error asking for {@code crop} when none declares one or they differ.
     */
    static int modelSide(Experiment experiment) {
        Map<Integer, String> sides = new TreeMap<>();
        for (ModelEntry entry : experiment.models()) {
            if (entry.isImported()) {
                Integer side = declaredSide(entry);
                if (side != null) {
                    sides.putIfAbsent(side, entry.name());
                }
            }
        }
        if (sides.size() != 1) {
            throw new ExperimentException("image_folder: set 'crop' (the side of the square images the models take): "
                    + (sides.isEmpty() ? "no imported model declares a fixed square RGB input"
                    : "the imported models ask for different sizes " + sides + " (side: first entry)"));
        }
        return sides.keySet().iterator().next();
    }

    private static Integer declaredSide(ModelEntry entry) {
        List<Integer> shape = entry.inputShape();
        if (shape != null) {
            return shape.size() == 3 && shape.get(0) == 3 && shape.get(1).equals(shape.get(2)) ? shape.get(1) : null;
        }
        try {
            Path file = Path.of(entry.onnx());
            if (!Files.isRegularFile(file) || Files.size(file) > entry.maxBytes()) {
                return null; // reported with the entry's name when the imports are inspected
            }
            List<ValueInfo> inputs = OnnxFileReader.read(file, entry.maxBytes()).model().graph().dataInputs();
            List<Dimension> d = inputs.size() == 1 ? inputs.get(0).dims() : null;
            if (d == null || d.size() != 4 || !d.stream().skip(1).allMatch(Dimension::isFixed)) {
                return null;
            }
            long[] v = d.stream().mapToLong(Dimension::value).toArray();
            if (v[1] == 3 && v[2] == v[3]) {
                return Math.toIntExact(v[2]);
            }
            return v[3] == 3 && v[1] == v[2] ? Math.toIntExact(v[1]) : null;
        } catch (IOException | RuntimeException e) {
            return null; // an unreadable or malformed file: reported with the entry's name when the imports are inspected
        }
    }
}
