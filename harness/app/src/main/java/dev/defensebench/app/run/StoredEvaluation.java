package dev.defensebench.app.run;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.defensebench.app.plan.CacheKeys;
import dev.defensebench.app.plan.Cell;
import dev.defensebench.files.DigestedFile;
import dev.defensebench.files.Json;
import dev.defensebench.report.GalleryExample;
import dev.defensebench.report.GalleryFile;
import dev.defensebench.report.OutputLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where one evaluation of a cell is stored: its scores ({@code evaluations/<cell>/<hash>.json}) and its gallery
 * examples ({@code gallery/<cell>/<hash>.json}), named by the hash of everything the evaluation depends on, so
 * that a rerun reuses them and anything that changes scores anew. Both are written atomically; a missing or
 * damaged file (reported in one line naming it) means the cell is scored again.
 *
 * @param evaluationFile the scores' file
 * @param galleryFile the gallery examples' file
 */
record StoredEvaluation(Path evaluationFile, Path galleryFile) {

    private static final Logger LOG = LoggerFactory.getLogger(StoredEvaluation.class);

    /** A stored evaluation with its gallery examples. */
    record Found(Evaluation evaluation, List<GalleryExample> gallery) {}

    /** The files of the evaluation of {@code cell} under {@code out} that {@code config} determines. */
    static StoredEvaluation of(Path out, Cell cell, Map<String, Object> config) {
        String hash = CacheKeys.sha256(Json.MAPPER.convertValue(config, Map.class));
        Path evaluation = OutputLayout.of(out).evaluations(cell.directoryName()).resolve(hash.substring(0, 16) + ".json");
        return new StoredEvaluation(evaluation, OutputLayout.of(out).cellGallery(cell.directoryName())
                .resolve(evaluation.getFileName()));
    }

    /** The stored evaluation and gallery, or null when either is missing or damaged. */
    Found read() throws IOException {
        Evaluation evaluation = readEvaluation(evaluationFile);
        List<GalleryExample> gallery = evaluation == null ? null : readGallery(galleryFile);
        return gallery == null ? null : new Found(evaluation, gallery);
    }

    /** Stores {@code evaluation} and its {@code gallery} examples. */
    void write(Evaluation evaluation, List<GalleryExample> gallery) throws IOException {
        DigestedFile.write(galleryFile, Json.MAPPER.writeValueAsBytes(gallery));
        DigestedFile.write(evaluationFile, Json.PRETTY.writeValueAsBytes(evaluation));
    }

    /**
     * The stored evaluation, or null when there is none, it predates the sanity checks (a bare list of
     * rows), or it cannot be read (one line naming the file), so that it is scored again.
     */
    private static Evaluation readEvaluation(Path file) throws IOException {
        byte[] content = verified(file);
        if (content == null) {
            return null;
        }
        try {
            JsonNode tree = Json.MAPPER.readTree(content);
            if (tree != null && tree.isArray()) {
                LOG.info("{} has no sanity checks (older format); scoring again", file);
                return null;
            }
            if (tree == null || !tree.isObject() || !tree.has("rows") || !tree.has("sanity")) {
                LOG.warn("{} is damaged (not an evaluation: no rows and sanity checks); scoring again", file);
                return null;
            }
            // the rows carry their derived "clean" flag (ResultRow.isClean()): Json ignores such properties
            return Json.MAPPER.treeToValue(tree, Evaluation.class);
        } catch (JacksonException | RuntimeException e) {
            LOG.warn("{} is damaged ({}); scoring again", file, Runner.oneLine(e));
            return null;
        }
    }

    /** The stored gallery examples of an evaluation, or null when the file is damaged (one line naming it). */
    private static List<GalleryExample> readGallery(Path file) throws IOException {
        byte[] content = verified(file);
        if (content == null) {
            return Files.exists(file) ? null : List.of();
        }
        try {
            return GalleryFile.parse(file, content);
        } catch (IOException e) {
            LOG.warn("{} is damaged ({}); scoring again", file, Runner.oneLine(e.getCause() != null ? e.getCause() : e));
            return null;
        }
    }

    /**
     * The content of {@code file} when it matches its digest; null when it does not exist, or (one line
     * naming it) when it does not match, so that it is scored again.
     */
    private static byte[] verified(Path file) throws IOException {
        try {
            return DigestedFile.read(file);
        } catch (DigestedFile.MismatchException e) {
            LOG.warn("{}; scoring again", e.getMessage());
            return null;
        }
    }
}
