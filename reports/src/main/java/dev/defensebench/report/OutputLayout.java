package dev.defensebench.report;

import java.nio.file.Path;
import java.util.List;

/**
 * The layout of a run's output directory, the one place that names its files and folders:
 *
 * <pre>
 * models/&lt;cell&gt;/model.params, card.json (and model.onnx)   evaluations/&lt;cell&gt;/&lt;hash&gt;.json
 * gallery/&lt;cell&gt;/&lt;hash&gt;.json   timing/&lt;cell&gt;/               (one cell's artifacts)
 * results.csv  sanity.csv  failures.json  gallery.json  timing.json  run.json  site/
 * </pre>
 *
 * @param root the output directory
 */
public record OutputLayout(Path root) {

    /** The result rows. */
    public static final String RESULTS = "results.csv";
    /** The sanity checks. */
    public static final String SANITY = "sanity.csv";
    /** The cells without results. */
    public static final String FAILURES = "failures.json";
    /** The adversarial examples of the entry pages. */
    public static final String GALLERY = "gallery.json";
    /** The JMH timings and their machine. */
    public static final String TIMING = "timing.json";
    /** The headline ε per norm the experiment named (its {@code headline:} key). */
    public static final String HEADLINE = "headline.json";
    /** The run manifest (experiment, version, shard). */
    public static final String MANIFEST = "run.json";
    /** A model's card, in its model directory. */
    public static final String CARD = "card.json";
    /** A model's weights, in its model directory. */
    public static final String PARAMS = "model.params";
    /** A model exported to ONNX ({@code export_onnx: true}), in its model directory. */
    public static final String ONNX = "model.onnx";
    /** The leaderboard site's directory. */
    public static final String SITE = "site";
    /** The directory of the model directories. */
    public static final String MODELS = "models";
    private static final String EVALUATIONS = "evaluations";
    private static final String CELL_GALLERY = "gallery";
    private static final String CELL_TIMING = "timing";

    /** The layout of the output directory {@code root}. */
    public static OutputLayout of(Path root) {
        return new OutputLayout(root);
    }

    public Path results() {
        return root.resolve(RESULTS);
    }

    public Path sanity() {
        return root.resolve(SANITY);
    }

    public Path failures() {
        return root.resolve(FAILURES);
    }

    public Path gallery() {
        return root.resolve(GALLERY);
    }

    public Path timing() {
        return root.resolve(TIMING);
    }

    public Path manifest() {
        return root.resolve(MANIFEST);
    }

    public Path site() {
        return root.resolve(SITE);
    }

    public Path models() {
        return root.resolve(MODELS);
    }

    /** The model directory of cell directory name {@code cell} (or of an imported entry). */
    public Path model(String cell) {
        return models().resolve(cell);
    }

    /** The evaluations of {@code cell}. */
    public Path evaluations(String cell) {
        return root.resolve(EVALUATIONS).resolve(cell);
    }

    /** The gallery examples of {@code cell}'s evaluations. */
    public Path cellGallery(String cell) {
        return root.resolve(CELL_GALLERY).resolve(cell);
    }

    /** The JMH measurements of {@code cell}. */
    public Path cellTiming(String cell) {
        return root.resolve(CELL_TIMING).resolve(cell);
    }

    /** The directories, relative to the root, that hold the artifacts of {@code cell}. */
    public static List<String> cellDirectories(String cell) {
        return List.of(MODELS + "/" + cell, EVALUATIONS + "/" + cell, CELL_GALLERY + "/" + cell, CELL_TIMING + "/" + cell);
    }
}
