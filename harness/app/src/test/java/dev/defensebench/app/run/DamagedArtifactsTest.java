package dev.defensebench.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.report.ResultRow;
import dev.defensebench.report.ResultsCsv;
import dev.defensebench.spi.ProgressListener;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stored artifacts are verified before they are reused: truncated or overwritten weights (checked against
 * the SHA-256 in the card), a truncated card and a truncated evaluation are each reported in one line
 * naming the file and then recomputed, with the same numbers as the first run and no stack trace. Every
 * file written honours the umask.
 */
@Tag("slow")
class DamagedArtifactsTest {

    private static final String EXPERIMENT = String.join("\n",
            "name: tiny",
            "dataset: mnist",
            "test_size: 60",
            "eval_batch_size: 30",
            "device: cpu",
            "models:",
            "  - name: vanilla",
            "    defense: vanilla",
            "    architectures: [mlp]",
            "    params: {epochs: 1, batch_size: 20, lr: 0.1}",
            "attacks:",
            "  - attack: fgsm",
            "    norm: Linf",
            "    epsilons: [0.1]",
            "");

    @TempDir
    Path temp;

    private final Plugins plugins = Plugins.discover();
    private Runner runner;
    private Experiment experiment;
    private Path out;
    private List<ResultRow> firstRows;
    private String log;

    @BeforeEach
    void setUp() throws IOException {
        TinyMnist data = TinyMnist.write(temp.resolve("raw"), 200, 60, 42);
        runner = new Runner(plugins, data.registry(), temp.resolve("data"), ProgressListener.SILENT);
        experiment = new ExperimentLoader(plugins, data.registry().names()).parse("tiny.yaml", EXPERIMENT);
        out = temp.resolve("out");
        runner.run(experiment, out, Device.cpu());
        firstRows = ResultsCsv.read(out.resolve("results.csv"));
    }

    /** Reruns, capturing the log (slf4j-simple writes to standard error). */
    private Runner.Summary rerun() throws IOException {
        PrintStream old = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream err = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setErr(err);
            return runner.run(experiment, out, Device.cpu());
        } finally {
            System.setErr(old);
            log = captured.toString(StandardCharsets.UTF_8);
        }
    }

    private Path only(String dir, String suffix) throws IOException {
        try (Stream<Path> files = Files.walk(out.resolve(dir))) {
            return files.filter(p -> p.toString().endsWith(suffix)).findFirst().orElseThrow();
        }
    }

    private static void truncate(Path file) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
    }

    /** Scores of the rows without the wall-clock columns. */
    private static List<String> scores(List<ResultRow> rows) {
        return rows.stream().map(r -> r.model() + " " + r.attack() + " " + r.epsilon() + " " + r.cleanAccuracy() + " "
                + r.robustAccuracy()).toList();
    }

    private void assertRetrainedWithTheSameNumbers(Runner.Summary summary, Path named) throws IOException {
        assertThat(summary.trained()).containsExactly("vanilla/mlp/s0");
        assertThat(log).contains(named + " is damaged (").contains("retraining").doesNotContain("Exception");
        assertThat(scores(ResultsCsv.read(out.resolve("results.csv")))).isEqualTo(scores(firstRows));
        assertThat(StoredModel.read(named.getParent()).params()).isNotEmpty(); // verified again
    }

    @Test
    void everyFileTheRunWroteHasTheUmasksPermissions() throws IOException {
        Path control = Files.createFile(temp.resolve("control"));
        Set<PosixFilePermission> expected = Files.getPosixFilePermissions(control);
        try (Stream<Path> files = Files.walk(out)) {
            List<Path> written = files.filter(Files::isRegularFile).toList();
            assertThat(written).extracting(p -> p.getFileName().toString())
                    .contains("model.params", "card.json", "results.csv", "sanity.csv", "index.html", "summary.json");
            for (Path p : written) {
                assertThat(Files.getPosixFilePermissions(p)).as(p.toString()).isEqualTo(expected);
            }
        }
    }

    @Test
    void truncatedWeightsAreReportedAndRetrained() throws IOException {
        Path params = only("models", "model.params");
        truncate(params);
        assertRetrainedWithTheSameNumbers(rerun(), params);
        assertThat(log).contains("SHA-256");
    }

    @Test
    void weightsOverwrittenAtTheSameSizeAreReportedAndRetrained() throws IOException {
        Path params = only("models", "model.params");
        long size = Files.size(params);
        try (RandomAccessFile f = new RandomAccessFile(params.toFile(), "rw")) {
            f.seek(size - 200);
            f.write(new byte[64]);
        }
        assertThat(Files.size(params)).isEqualTo(size);
        assertRetrainedWithTheSameNumbers(rerun(), params);
    }

    @Test
    void aTruncatedCardIsReportedAndTheModelRetrained() throws IOException {
        Path card = only("models", "card.json");
        truncate(card);
        assertRetrainedWithTheSameNumbers(rerun(), card);
    }

    @Test
    void aTruncatedEvaluationIsReportedAndScoredAgain() throws IOException {
        Path evaluation = only("evaluations", ".json");
        truncate(evaluation);
        Runner.Summary summary = rerun();
        assertThat(summary.reused()).containsExactly("vanilla/mlp/s0");
        assertThat(summary.evaluated()).containsExactly("vanilla/mlp/s0");
        assertThat(log).contains(evaluation + " does not match its digest (").contains("scoring again")
                .doesNotContain("Exception");
        assertThat(scores(ResultsCsv.read(out.resolve("results.csv")))).isEqualTo(scores(firstRows));
    }

    @Test
    void anEvaluationEditedAtTheSameSizeIsReportedAndScoredAgain() throws IOException {
        Path evaluation = only("evaluations", ".json");
        String text = Files.readString(evaluation);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"robustAccuracy\" : 0\\.(\\d)").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        String flipped = m.group(1).equals("9") ? "8" : "9";
        String edited = text.substring(0, m.start(1)) + flipped + text.substring(m.end(1));
        Files.writeString(evaluation, edited);
        assertThat(Files.size(evaluation)).isEqualTo(text.length());

        Runner.Summary summary = rerun();
        assertThat(summary.evaluated()).containsExactly("vanilla/mlp/s0");
        assertThat(log).contains(evaluation + " does not match its digest (").contains("scoring again")
                .doesNotContain("Exception");
        assertThat(scores(ResultsCsv.read(out.resolve("results.csv")))).isEqualTo(scores(firstRows));
    }

    @Test
    void anEditedGalleryIsReportedAndScoredAgain() throws IOException {
        Path gallery;
        try (Stream<Path> files = Files.walk(out.resolve("gallery"))) {
            gallery = files.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        Files.writeString(gallery, "[]");

        Runner.Summary summary = rerun();
        assertThat(summary.evaluated()).containsExactly("vanilla/mlp/s0");
        assertThat(log).contains(gallery + " does not match its digest (").contains("scoring again");
    }

    @Test
    void anUntouchedEvaluationIsReused() throws IOException {
        Runner.Summary summary = rerun();
        assertThat(summary.evaluationsReused()).containsExactly("vanilla/mlp/s0");
        assertThat(log).doesNotContain("digest");
    }
}
