package dev.defensebench.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.app.plan.Cell;
import dev.defensebench.app.plan.CodeIdentity;
import dev.defensebench.app.plan.Plan;
import dev.defensebench.report.HeadlineFile;
import dev.defensebench.report.ResultRow;
import dev.defensebench.report.ResultSet;
import dev.defensebench.report.SanityCheck;
import dev.defensebench.report.SanityCsv;
import dev.defensebench.report.Site;
import dev.defensebench.spi.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on a tiny fake MNIST (200 train / 60 test images of 1×8×8): a vanilla MLP and a Deep
 * Defense MLP fine-tuned from it, scored with DeepFool (L2) and FGSM (Linf); then the resume rules.
 */
class RunnerTest {

    private static final int TRAIN = 200;
    private static final int TEST = 60;
    private static final String VANILLA = "vanilla/mlp/s0";
    private static final String DD = "dd/mlp/s0";

    private static final String EXPERIMENT = String.join("\n",
            "name: tiny",
            "dataset: mnist",
            "test_size: " + TEST,
            "eval_batch_size: 30",
            "seeds: [0]",
            "device: cpu",
            "models:",
            "  - name: vanilla",
            "    defense: vanilla",
            "    architectures: [mlp]",
            "    params: {epochs: 1, batch_size: 20, lr: 0.1}",
            "  - name: dd",
            "    defense: deep-defense",
            "    architectures: [mlp]",
            "    init_from: vanilla",
            "    params: {epochs: 1, batch_size: 100, max_iter: 2, lr: 0.001}",
            "attacks:",
            "  - attack: deepfool",
            "    norm: L2",
            "    epsilons: [0.5, 1.0]",
            "    params: {max_iter: 3}",
            "  - attack: fgsm",
            "    norm: Linf",
            "    epsilons: [0.05, 0.1, 0.2]",
            "");

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private final Plugins plugins = Plugins.discover();
    private TinyMnist data;
    private Runner runner;
    private Path out;

    @BeforeEach
    void setUp() throws IOException {
        data = TinyMnist.write(temp.resolve("raw"), TRAIN, TEST, 42);
        runner = new Runner(plugins, data.registry(), temp.resolve("data"), ProgressListener.SILENT);
        out = temp.resolve("out");
    }

    private Experiment experiment(String text) {
        return new ExperimentLoader(plugins, data.registry().names()).parse("tiny.yaml", text);
    }

    private Runner.Summary run(String text) throws IOException {
        return runner.run(experiment(text), out, Device.cpu());
    }

    private Map<String, Cell> cells(String text) {
        Plan plan = Plan.of(experiment(text), plugins, data.identity(), TRAIN, CodeIdentity.current(Versions.harness()));
        return plan.cells().stream().collect(Collectors.toMap(Cell::id, c -> c));
    }

    private Path modelDir(Cell cell) {
        return out.resolve("models").resolve(cell.directoryName());
    }

    private Path evaluationDir(Cell cell) {
        return out.resolve("evaluations").resolve(cell.directoryName());
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) { // a stored file's SHA-256 file (FILE.sha256) is not counted
            return s.filter(p -> !p.getFileName().toString().endsWith(".sha256")).sorted().collect(Collectors.toList());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.delete(p);
            }
        }
    }

    private static List<ResultRow> rowsOf(List<ResultRow> rows, String model) {
        return rows.stream().filter(r -> r.model().equals(model)).collect(Collectors.toList());
    }

    private static void assertSummary(Runner.Summary s, List<String> trained, List<String> reused, List<String> evaluated,
            List<String> evaluationsReused) {
        assertThat(s.trained()).as("trained").containsExactlyElementsOf(trained);
        assertThat(s.reused()).as("reused models").containsExactlyElementsOf(reused);
        assertThat(s.evaluated()).as("evaluated").containsExactlyElementsOf(evaluated);
        assertThat(s.evaluationsReused()).as("reused evaluations").containsExactlyElementsOf(evaluationsReused);
    }

    /** Accuracies of the rows, in order, without the timings. */
    private static List<String> scores(List<ResultRow> rows) {
        return rows.stream().map(r -> r.attack() + " " + r.norm() + " " + r.epsilon() + " " + r.samples() + " "
                + r.cleanAccuracy() + " " + r.robustAccuracy() + " " + r.rho2()).collect(Collectors.toList());
    }

    @Test
    void runsEndToEndAndResumesOnlyWhatIsMissing() throws IOException {
        Map<String, Cell> cells = cells(EXPERIMENT);
        Cell vanilla = cells.get(VANILLA);
        Cell dd = cells.get(DD);
        assertThat(dd.parent()).isEqualTo(vanilla);

        // ---- 1. a fresh run trains and scores both cells, parent first
        Runner.Summary first = run(EXPERIMENT);
        assertSummary(first, List.of(VANILLA, DD), List.of(), List.of(VANILLA, DD), List.of());
        assertThat(first.results()).isEqualTo(out.resolve("results.csv")).isRegularFile();
        assertThat(first.site()).isEqualTo(out.resolve("site").resolve("index.html")).isRegularFile();
        assertThat(Files.readString(first.site())).contains(VANILLA).contains(DD);

        List<ResultRow> rows = ResultsFile.read(first.results());
        assertThat(rows).hasSize(2 * (1 + 2 + 3 + 5));
        for (Cell cell : List.of(vanilla, dd)) {
            List<ResultRow> mine = rowsOf(rows, cell.id());
            assertThat(mine).extracting(r -> r.attack() + " " + r.norm() + " " + r.epsilon()).as(cell.id()).containsExactly(
                    "clean none 0.0", "deepfool L2 0.5", "deepfool L2 1.0",
                    "fgsm Linf 0.05", "fgsm Linf 0.1", "fgsm Linf 0.2",
                    "worst-case L2 0.5", "worst-case L2 1.0",
                    "worst-case Linf 0.05", "worst-case Linf 0.1", "worst-case Linf 0.2");
            // the worst case of one attack per norm is that attack; its params name what was combined
            for (int k = 0; k < 5; k++) {
                assertThat(mine.get(6 + k).robustAccuracy()).isEqualTo(mine.get(1 + k).robustAccuracy());
            }
            assertThat(mine.get(6).attackParams()).isEqualTo("{\"attacks\":[\"deepfool\"]}");
            assertThat(mine.get(1).attackImagesPerSecond()).isPositive();
            assertThat(mine.get(0).attackImagesPerSecond()).isNaN();
            ResultRow clean = mine.get(0);
            assertThat(clean.isClean()).isTrue();
            assertThat(clean.robustAccuracy()).isEqualTo(clean.cleanAccuracy());
            for (ResultRow r : mine) {
                assertThat(r.experiment()).isEqualTo("tiny");
                assertThat(r.defense()).isEqualTo(cell.entry().defense());
                assertThat(r.architecture()).isEqualTo("mlp");
                assertThat(r.dataset()).isEqualTo("mnist");
                assertThat(r.preprocessing()).isEqualTo("unit");
                assertThat(r.seed()).isZero();
                assertThat(r.cellHash()).isEqualTo(cell.hash());
                assertThat(r.samples()).isEqualTo(TEST);
                assertThat(r.cleanAccuracy()).isEqualTo(clean.cleanAccuracy());
                assertThat(r.robustAccuracy()).isBetween(r.robustCiLow(), r.robustCiHigh());
                assertThat(r.trainSeconds()).isPositive();
            }
            // DeepFool is min-norm: thresholded at a growing ε it can only break more points, and every
            // point that is already wrong counts as broken
            assertThat(mine.get(1).robustAccuracy()).isLessThanOrEqualTo(clean.cleanAccuracy());
            assertThat(mine.get(2).robustAccuracy()).isLessThanOrEqualTo(mine.get(1).robustAccuracy());
            assertThat(mine.get(1).rho2()).isPositive().isEqualTo(mine.get(2).rho2());
            assertThat(mine.get(3).rho2()).isNaN();
            assertThat(mine.get(1).attackParams()).contains("\"max_iter\":3").contains("\"norm\":\"L2\"");
        }
        // every model has every sanity check
        List<SanityCheck> sanity = SanityCsv.read(out.resolve("sanity.csv"));
        assertThat(sanity).hasSize(2 * 13);
        assertThat(sanity).filteredOn(c -> c.model().equals(VANILLA)).extracting(SanityCheck::check).containsExactly(
                SanityChecks.EPS0, SanityChecks.PGD_VS_FGSM, SanityChecks.MONOTONE, SanityChecks.UNBOUNDED,
                SanityChecks.BLACK_BOX, SanityChecks.NOISE, SanityChecks.GRADIENTS, SanityChecks.MORE_STEPS,
                SanityChecks.CLAIMS, SanityChecks.DETERMINISTIC, SanityChecks.LOGITS, SanityChecks.AS_SPECIFIED,
                SanityChecks.QUICK_VS_RELIABLE);
        assertThat(sanity).filteredOn(c -> c.check().equals(SanityChecks.CLAIMS))
                .extracting(SanityCheck::status).containsOnly(SanityCheck.Status.PASS);
        assertThat(sanity).filteredOn(c -> c.check().equals(SanityChecks.GRADIENTS))
                .extracting(SanityCheck::status).containsOnly(SanityCheck.Status.PASS);
        assertThat(sanity).filteredOn(c -> c.check().equals(SanityChecks.BLACK_BOX))
                .extracting(SanityCheck::status).containsOnly(SanityCheck.Status.SKIP);
        // the data is learnable: plain training beats chance (10 classes) by a wide margin
        assertThat(rowsOf(rows, VANILLA).get(0).cleanAccuracy()).isGreaterThan(0.5);

        // model cards
        JsonNode vanillaCard = JSON.readTree(modelDir(vanilla).resolve("card.json").toFile());
        JsonNode ddCard = JSON.readTree(modelDir(dd).resolve("card.json").toFile());
        assertThat(modelDir(vanilla).resolve("model.params")).isRegularFile();
        assertThat(modelDir(dd).resolve("model.params")).isRegularFile();
        assertThat(vanillaCard.get("cellId").asText()).isEqualTo(VANILLA);
        assertThat(vanillaCard.get("cellHash").asText()).isEqualTo(vanilla.hash());
        assertThat(vanillaCard.get("initFrom").isNull()).isTrue();
        assertThat(vanillaCard.get("params").get("epochs").asInt()).isEqualTo(1);
        assertThat(vanillaCard.get("params").get("lr").asDouble()).isEqualTo(0.1);
        assertThat(vanillaCard.get("epochSeconds")).hasSize(1);
        assertThat(ddCard.get("cellId").asText()).isEqualTo(DD);
        assertThat(ddCard.get("cellHash").asText()).isEqualTo(dd.hash());
        assertThat(ddCard.get("defense").asText()).isEqualTo("deep-defense");
        assertThat(ddCard.get("initFrom").get("cell").asText()).isEqualTo(VANILLA);
        assertThat(ddCard.get("initFrom").get("hash").asText()).isEqualTo(vanilla.hash());
        assertThat(ddCard.get("params").get("max_iter").asInt()).isEqualTo(2);
        assertThat(ddCard.get("params").has("lambda")).isTrue();
        assertThat(ddCard.get("epochSeconds")).hasSize(1);
        assertThat(ddCard.get("notes").has("regularizer_forward_seconds")).isTrue();
        // budgets: one epoch of 200 images each; plain training passes each image once forward and once back,
        // Deep Defense more (its unrolled DeepFool); the fine-tune's total adds its parent's
        JsonNode vanillaBudget = vanillaCard.get("budget");
        assertThat(vanillaBudget.get("own")).isEqualTo(vanillaBudget.get("withAncestors"));
        assertThat(vanillaBudget.get("own").get("imagesSeen").asLong()).isEqualTo(TRAIN);
        assertThat(vanillaBudget.get("own").get("forwardPasses").asLong()).isEqualTo(TRAIN);
        assertThat(vanillaBudget.get("own").get("backwardPasses").asLong()).isEqualTo(TRAIN);
        JsonNode ddBudget = ddCard.get("budget");
        assertThat(ddBudget.get("own").get("imagesSeen").asLong()).isEqualTo(TRAIN);
        assertThat(ddBudget.get("own").get("forwardPasses").asLong()).isGreaterThan(2L * TRAIN);
        assertThat(ddBudget.get("withAncestors").get("imagesSeen").asLong()).isEqualTo(2L * TRAIN);
        assertThat(ddBudget.get("withAncestors").get("forwardPasses").asLong())
                .isEqualTo(ddBudget.get("own").get("forwardPasses").asLong() + TRAIN);
        assertThat(ddBudget.get("withAncestors").get("seconds").asDouble()).isCloseTo(
                ddBudget.get("own").get("seconds").asDouble() + vanillaBudget.get("own").get("seconds").asDouble(),
                org.assertj.core.api.Assertions.within(1e-9));
        for (JsonNode card : List.of(vanillaCard, ddCard)) {
            assertThat(card.get("experiment").asText()).isEqualTo("tiny");
            assertThat(card.get("seed").asLong()).isZero();
            assertThat(card.get("data").get("dataset").asText()).isEqualTo("mnist");
            assertThat(card.get("data").get("sha256").asText()).isEqualTo(data.identity());
            assertThat(card.get("data").get("trainSize").asInt()).isEqualTo(TRAIN);
            assertThat(card.get("data").get("preprocessing").asText()).isEqualTo("unit");
            assertThat(card.get("code").get("version").asText()).isEqualTo(Versions.harness());
            card.get("epochSeconds").forEach(t -> assertThat(t.asDouble()).isPositive());
            assertThat(card.get("createdAt").asText()).isNotBlank();
        }
        assertThat(files(evaluationDir(vanilla))).hasSize(1);
        assertThat(files(evaluationDir(dd))).hasSize(1);
        byte[] vanillaWeights = Files.readAllBytes(modelDir(vanilla).resolve("model.params"));
        byte[] ddWeights = Files.readAllBytes(modelDir(dd).resolve("model.params"));
        String ddCardText = Files.readString(modelDir(dd).resolve("card.json"));

        // ---- 2. run again: nothing is retrained or re-evaluated, the results are the same
        Runner.Summary second = run(EXPERIMENT);
        assertSummary(second, List.of(), List.of(VANILLA, DD), List.of(), List.of(VANILLA, DD));
        assertThat(ResultsFile.read(second.results())).isEqualTo(rows);
        // a reused evaluation still yields its sanity checks
        assertThat(SanityCsv.read(out.resolve("sanity.csv"))).isEqualTo(sanity);
        assertThat(second.site()).isRegularFile();

        // ---- 3. delete one cell's evaluation: exactly that cell is scored again, nothing is retrained
        for (Path f : files(evaluationDir(dd))) {
            Files.delete(f);
        }
        Runner.Summary third = run(EXPERIMENT);
        assertSummary(third, List.of(), List.of(VANILLA, DD), List.of(DD), List.of(VANILLA));
        List<ResultRow> thirdRows = ResultsFile.read(third.results());
        assertThat(rowsOf(thirdRows, VANILLA)).isEqualTo(rowsOf(rows, VANILLA));
        // the same weights attacked with the same seeds give the same scores
        assertThat(scores(rowsOf(thirdRows, DD))).isEqualTo(scores(rowsOf(rows, DD)));
        assertThat(files(evaluationDir(dd))).hasSize(1);
        assertThat(Files.readString(modelDir(dd).resolve("card.json"))).isEqualTo(ddCardText);

        // ---- 4. delete the parent's model: only the parent is retrained; the child's configuration (and
        // so its hash) does not depend on the parent's bytes, so it and both evaluations are reused
        deleteTree(modelDir(vanilla));
        Runner.Summary fourth = run(EXPERIMENT);
        assertSummary(fourth, List.of(VANILLA), List.of(DD), List.of(), List.of(VANILLA, DD));
        assertThat(modelDir(vanilla).resolve("card.json")).isRegularFile();
        // training is deterministic for a fixed seed: the retrained parent has the same weights, so the
        // reused child really is a fine-tune of it
        assertThat(Files.readAllBytes(modelDir(vanilla).resolve("model.params"))).isEqualTo(vanillaWeights);
        assertThat(Files.readAllBytes(modelDir(dd).resolve("model.params"))).isEqualTo(ddWeights);
        assertThat(Files.readString(modelDir(dd).resolve("card.json"))).isEqualTo(ddCardText);
        assertThat(scores(ResultsFile.read(fourth.results()))).isEqualTo(scores(thirdRows));
    }

    @Test
    void theHeadlineKeyIsWrittenAndTheReportDrawsTheSameBoard() throws IOException {
        run(EXPERIMENT + "headline: {linf: 0.2}\n");
        assertThat(JSON.readTree(out.resolve(HeadlineFile.FILE).toFile()).toString()).isEqualTo("{\"Linf\":0.2}");
        String board = headlineBoard(out.resolve("site"));
        assertThat(board).contains(">Worst case ℓ∞<br>ε=0.2</th>");
        Site.write(ResultSet.read(out), List.of(), temp.resolve("report"), java.time.Instant.now());
        assertThat(headlineBoard(temp.resolve("report"))).isEqualTo(board);

        run(EXPERIMENT); // without the key the file goes and the default rule chooses again
        assertThat(out.resolve(HeadlineFile.FILE)).doesNotExist();
    }

    private static String headlineBoard(Path site) throws IOException {
        String index = Files.readString(site.resolve(Site.INDEX));
        int start = index.indexOf("<table class=\"board headline\">");
        assertThat(start).isNotNegative();
        return index.substring(start, index.indexOf("</table>", start));
    }

    @Test
    void configurationChangesRedoOnlyWhatTheyAffect() throws IOException {
        // cheaper: the child is a zero-epoch fine-tune (a copy of its parent), FGSM only
        String base = EXPERIMENT.replace("max_iter: 2, lr: 0.001}", "epochs: 0}").replace("epochs: 1, batch_size: 100, ", "")
                .replace("  - attack: deepfool\n    norm: L2\n    epsilons: [0.5, 1.0]\n    params: {max_iter: 3}\n", "");
        assertThat(base).contains("params: {epochs: 0}").doesNotContain("deepfool");
        Map<String, Cell> before = cells(base);
        assertSummary(run(base), List.of(VANILLA, DD), List.of(), List.of(VANILLA, DD), List.of());
        List<ResultRow> firstRows = ResultsFile.read(out.resolve("results.csv"));
        assertThat(firstRows).hasSize(2 * (1 + 3 + 3));
        // zero epochs of fine-tuning leave the parent's weights, so both score the same
        assertThat(scores(rowsOf(firstRows, DD))).isEqualTo(scores(rowsOf(firstRows, VANILLA)));

        // a different attack suite re-scores both models and retrains nothing; the results hold only
        // the current suite
        String otherAttacks = base.replace("epsilons: [0.05, 0.1, 0.2]", "epsilons: [0.3]");
        Runner.Summary attacks = run(otherAttacks);
        assertSummary(attacks, List.of(), List.of(VANILLA, DD), List.of(VANILLA, DD), List.of());
        List<ResultRow> rows = ResultsFile.read(attacks.results());
        assertThat(rows).hasSize(2 * (1 + 1 + 1));
        assertThat(rows).filteredOn(r -> r.attack().equals("fgsm")).extracting(ResultRow::epsilon).containsOnly(0.3);
        assertThat(files(evaluationDir(before.get(VANILLA)))).hasSize(2);

        // switching back finds the first evaluations again
        assertSummary(run(base), List.of(), List.of(VANILLA, DD), List.of(), List.of(VANILLA, DD));
        assertThat(ResultsFile.read(out.resolve("results.csv"))).isEqualTo(firstRows);

        // a child's hyper-parameter retrains (and re-scores) the child only, into a new directory
        String otherLambda = base.replace("params: {epochs: 0}", "params: {epochs: 0, lambda: 5}");
        Map<String, Cell> after = cells(otherLambda);
        assertThat(after.get(DD).hash()).isNotEqualTo(before.get(DD).hash());
        assertThat(after.get(VANILLA).hash()).isEqualTo(before.get(VANILLA).hash());
        Runner.Summary lambda = run(otherLambda);
        assertSummary(lambda, List.of(DD), List.of(VANILLA), List.of(DD), List.of(VANILLA));
        assertThat(modelDir(after.get(DD)).resolve("card.json")).isRegularFile();
        assertThat(modelDir(before.get(DD)).resolve("card.json")).as("the old artifact is kept").isRegularFile();
        assertThat(ResultsFile.read(lambda.results())).filteredOn(r -> r.model().equals(DD))
                .extracting(ResultRow::cellHash).containsOnly(after.get(DD).hash());

        // a card whose hash does not match its directory's cell is not trusted: the model is retrained
        Path card = modelDir(before.get(VANILLA)).resolve("card.json");
        Files.writeString(card, Files.readString(card).replace(before.get(VANILLA).hash(), "0".repeat(64)));
        Runner.Summary stale = run(otherLambda);
        assertSummary(stale, List.of(VANILLA), List.of(DD), List.of(), List.of(VANILLA, DD));
        assertThat(JSON.readTree(card.toFile()).get("cellHash").asText()).isEqualTo(before.get(VANILLA).hash());

        // fewer training images are other cells: both are trained anew, the card records the size
        String fewer = otherLambda.replace("test_size: " + TEST, "test_size: 10\ntrain_size: 50");
        Runner.Summary small = run(fewer);
        assertSummary(small, List.of(VANILLA, DD), List.of(), List.of(VANILLA, DD), List.of());
        Cell vanilla = Plan.of(experiment(fewer), plugins, data.identity(), 50, CodeIdentity.current(Versions.harness())).cells().get(0);
        assertThat(vanilla.hash()).isNotEqualTo(before.get(VANILLA).hash());
        JsonNode smallCard = JSON.readTree(modelDir(vanilla).resolve("card.json").toFile());
        assertThat(smallCard.get("cellHash").asText()).isEqualTo(vanilla.hash());
        assertThat(smallCard.get("data").get("trainSize").asInt()).isEqualTo(50);
        assertThat(ResultsFile.read(small.results())).extracting(ResultRow::samples).containsOnly(10);
    }
}
