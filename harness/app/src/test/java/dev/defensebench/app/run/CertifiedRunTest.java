package dev.defensebench.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.report.SanityCheck;
import dev.defensebench.report.SanityCsv;
import dev.defensebench.spi.ProgressListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certifiers end to end on a tiny fake MNIST: rows of kind certified, the cross-check in sanity.csv and
 * the board's column; a second run reuses the evaluation, a changed certifier scores again on the same
 * model, and dropping the certifiers finds the evaluation made without them.
 */
class CertifiedRunTest {

    private static final String BASE = String.join("\n",
            "name: tiny",
            "dataset: mnist",
            "test_size: 30",
            "eval_batch_size: 30",
            "device: cpu",
            "models:",
            "  - {name: vanilla, defense: vanilla, architectures: [mlp], params: {epochs: 1, batch_size: 20, lr: 0.1}}",
            "attacks:",
            "  - {attack: fgsm, norm: Linf, epsilons: [0.01, 0.05]}",
            "");

    private static final String CERTIFIED = BASE + String.join("\n",
            "certifiers:",
            "  - {certifier: ibp, epsilons: [0.01, 0.05]}",
            "  - {certifier: randomized-smoothing, epsilons: [0.1, 0.5], params: {sigma: 0.25, n0: 10, n: 200, batch: 100}}",
            "");

    @TempDir
    Path temp;

    @Test
    void certifiedRowsTheCrossCheckAndTheColumnAreWrittenAndResumedLikeEvaluations() throws IOException {
        Plugins plugins = Plugins.discover();
        TinyMnist data = TinyMnist.write(temp.resolve("raw"), 200, 30, 42);
        Runner runner = new Runner(plugins, data.registry(), temp.resolve("data"), ProgressListener.SILENT);
        ExperimentLoader loader = new ExperimentLoader(plugins, data.registry().names());
        Path out = temp.resolve("out");

        Runner.Summary plain = runner.run(loader.parse("t.yaml", BASE), out, Device.cpu());
        assertThat(plain.evaluated()).containsExactly("vanilla/mlp/s0");

        Runner.Summary first = runner.run(loader.parse("t.yaml", CERTIFIED), out, Device.cpu());
        assertThat(first.trained()).isEmpty();
        assertThat(first.evaluated()).containsExactly("vanilla/mlp/s0");
        List<Map<String, String>> rows = ResultsFile.records(first.results());
        List<Map<String, String>> certified = rows.stream().filter(r -> r.get("attack_traits").equals("certified")).toList();
        assertThat(certified).extracting(r -> r.get("attack") + " " + r.get("norm") + " " + r.get("epsilon")).containsExactly(
                "ibp Linf 0.01", "ibp Linf 0.05", "randomized-smoothing L2 0.1", "randomized-smoothing L2 0.5");
        assertThat(certified).allSatisfy(r -> {
            assertThat(r.get("samples")).isEqualTo("30");
            assertThat(Double.parseDouble(r.get("robust_ci_low"))).isLessThanOrEqualTo(Double.parseDouble(r.get("robust_accuracy")));
            assertThat(Double.parseDouble(r.get("abstentions"))).isBetween(0.0, 30.0);
        });
        assertThat(Double.parseDouble(certified.get(0).get("abstentions"))).isZero();
        assertThat(certified.get(2).get("attack_label")).isEqualTo("Randomized smoothing");
        assertThat(certified.get(2).get("attack_params")).contains("\"sigma\":0.25", "\"seed\":0");
        assertThat(rows).filteredOn(r -> !r.get("attack_traits").equals("certified")).allSatisfy(r -> assertThat(r.get("abstentions")).isEmpty());
        // IBP certifies a subset of the points FGSM fails to break at the same ε (a lower bound of an upper bound)
        double fgsm = rows.stream().filter(r -> r.get("attack").equals("fgsm") && r.get("epsilon").equals("0.01")).findFirst()
                .map(r -> Double.parseDouble(r.get("robust_accuracy"))).orElseThrow();
        assertThat(Double.parseDouble(certified.get(0).get("robust_accuracy"))).isLessThanOrEqualTo(fgsm);
        List<SanityCheck> sanity = SanityCsv.read(out.resolve("sanity.csv"));
        assertThat(sanity).filteredOn(c -> c.check().equals(CertifiedCrossCheck.ID)).singleElement()
                .satisfies(c -> assertThat(c.status()).isIn(SanityCheck.Status.PASS, SanityCheck.Status.SKIP));
        assertThat(Files.readString(first.site())).contains("Certified ℓ∞ (IBP)", "Certified ℓ2 (Randomized smoothing)");

        Runner.Summary again = runner.run(loader.parse("t.yaml", CERTIFIED), out, Device.cpu());
        assertThat(again.evaluated()).isEmpty();
        assertThat(again.evaluationsReused()).containsExactly("vanilla/mlp/s0");
        assertThat(ResultsFile.records(again.results())).isEqualTo(rows);

        Runner.Summary changed = runner.run(loader.parse("t.yaml", CERTIFIED.replace("n: 200", "n: 300")), out, Device.cpu());
        assertThat(changed.trained()).isEmpty();
        assertThat(changed.evaluated()).containsExactly("vanilla/mlp/s0");

        Runner.Summary without = runner.run(loader.parse("t.yaml", BASE), out, Device.cpu());
        assertThat(without.evaluationsReused()).containsExactly("vanilla/mlp/s0");
        assertThat(ResultsFile.records(without.results())).noneMatch(r -> r.get("attack_traits").equals("certified"));
    }
}
