package dev.defensebench.app.run;

import dev.defensebench.app.plan.Cell;
import dev.defensebench.report.GalleryExample;
import dev.defensebench.spi.ProgressListener;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evaluation stage of a run, for trained and imported cells alike: a cell's stored evaluation under its key
 * (see {@link dev.defensebench.app.plan.CacheKeys}), or the evaluation made now, stored with its gallery examples.
 */
final class EvaluationStage {

    private static final Logger LOG = LoggerFactory.getLogger(EvaluationStage.class);

    /** Adversarial examples kept per attack and entry for the entry pages. */
    static final int GALLERY_PER_ATTACK = 3;

    /** How a cell is scored when it has no stored evaluation: with the evaluator handed in. */
    @FunctionalInterface
    interface Scoring {
        Evaluation score(Evaluator evaluator) throws IOException;
    }

    /**
     * A cell's evaluation.
     *
     * @param evaluation its rows and sanity checks
     * @param gallery its adversarial examples
     * @param evaluatedNow whether it was scored in this run (false: reused)
     */
    record Scored(Evaluation evaluation, List<GalleryExample> gallery, boolean evaluatedNow) {}

    private final int batchSize;
    private final ProgressListener progress;

    /** Scores {@code batchSize} test images at a time, reporting to {@code progress}. */
    EvaluationStage(int batchSize, ProgressListener progress) {
        this.batchSize = batchSize;
        this.progress = progress;
    }

    /**
     * The evaluation of {@code cell} stored under {@code out} with {@code key}, or, when there is none (or it is
     * damaged), the one {@code scoring} makes now, written atomically; its sanity warnings are logged either way.
     */
    Scored run(Path out, Cell cell, Map<String, Object> key, Scoring scoring) throws IOException {
        StoredEvaluation stored = StoredEvaluation.of(out, cell, key);
        StoredEvaluation.Found found = stored.read();
        if (found != null) {
            LOG.info("{}: reusing the stored evaluation {}", cell.id(), stored.evaluationFile());
            found.evaluation().warnAboutSanity(cell.id());
            return new Scored(found.evaluation(), found.gallery(), false);
        }
        GalleryRecorder recorder = new GalleryRecorder(GALLERY_PER_ATTACK);
        Evaluation evaluation = scoring.score(new Evaluator(batchSize, progress, recorder));
        evaluation.warnAboutSanity(cell.id());
        List<GalleryExample> gallery = recorder.drain();
        stored.write(evaluation, gallery);
        return new Scored(evaluation, gallery, true);
    }
}
