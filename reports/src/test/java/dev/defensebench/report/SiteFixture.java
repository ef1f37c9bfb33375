package dev.defensebench.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.defensebench.model.ModelCard;
import dev.defensebench.spi.TrainingBudget;
import dev.defensebench.report.OutputLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes a synthetic results directory as {@code defense-bench run} and the attack suite leave it:
 * results.csv (clean, FGSM, PGD, DeepFool and per-point worst-case rows), sanity.csv, timing.json,
 * gallery.json and a card.json per model. Numbers are made up but consistent.
 */
final class SiteFixture {

    /** The hostile model name of the escaping checks. */
    static final String EVIL = "<img src=x onerror=alert(1)>";

    /** One synthetic entry. */
    record Entry(String model, String defense, double clean, double robustScale, double latencyMs) {}

    static final List<Entry> ENTRIES = List.of(
            new Entry("deep-defense/lenet/s0", "deep-defense", 0.985, 0.8, 1.2),
            new Entry("vanilla/lenet/s0", "vanilla", 0.991, 0.3, 1.0),
            new Entry(EVIL, "evil & co", 0.6, 0.5, 3.0));

    private SiteFixture() {
    }

    /** Writes the fixture into {@code dir}; {@code scale} multiplies every robust accuracy (history runs). */
    static Path write(Path dir, List<Entry> entries, boolean worstCaseRows, boolean sanity, boolean timing,
            double robustFactor, double latencyFactor, Instant when) throws IOException {
        Files.createDirectories(dir);
        List<ResultRow> rows = new ArrayList<>();
        List<SanityCheck> checks = new ArrayList<>();
        List<TimingMeasurement> measurements = new ArrayList<>();
        List<GalleryExample> gallery = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        int index = 0;
        for (Entry e : entries) {
            String hash = "hash" + index;
            rows.add(row(e.model(), hash, e.defense(), "clean", "none", 0, e.clean(), e.clean(), Double.NaN));
            double[] linf = {0.1, 0.2, 0.3};
            for (double eps : linf) {
                double fgsm = Math.min(e.clean(), e.clean() * e.robustScale() * robustFactor * (1 - eps));
                double pgd = fgsm * 0.9;
                rows.add(row(e.model(), hash, e.defense(), "fgsm", "Linf", eps, e.clean(), fgsm, Double.NaN));
                rows.add(row(e.model(), hash, e.defense(), "pgd", "Linf", eps, e.clean(), pgd, Double.NaN));
                if (worstCaseRows) {
                    rows.add(row(e.model(), hash, e.defense(), "worst-case", "Linf", eps, e.clean(), pgd * 0.95, Double.NaN));
                }
            }
            for (double eps : new double[] {0.5, 1.0, 2.0}) {
                double df = Math.min(e.clean(), e.clean() * e.robustScale() * robustFactor * (1 - eps / 2.5));
                rows.add(row(e.model(), hash, e.defense(), "deepfool", "L2", eps, e.clean(), df, 0.1 * e.robustScale()));
                if (worstCaseRows) {
                    rows.add(row(e.model(), hash, e.defense(), "worst-case", "L2", eps, e.clean(), df, Double.NaN));
                }
            }
            checks.add(new SanityCheck(e.model(), "eps0-equals-clean", SanityCheck.Status.PASS, 0.0, 1e-9,
                    "robust accuracy at ε=0 equals clean accuracy"));
            checks.add(new SanityCheck(e.model(), "pgd-stronger-than-fgsm",
                    index == 2 ? SanityCheck.Status.FAIL : SanityCheck.Status.PASS, index == 2 ? 0.042 : -0.01, 0.0,
                    "PGD robust accuracy minus FGSM robust accuracy at ε=0.3"));
            checks.add(new SanityCheck(e.model(), "unbounded-reaches-zero", SanityCheck.Status.WARN, 0.031, 0.01,
                    "robust accuracy at a very large ε"));
            measurements.add(new TimingMeasurement(e.model(), TimingMeasurement.LATENCY, "ms/image",
                    e.latencyMs() * latencyFactor, 0.05, 1, 3));
            measurements.add(new TimingMeasurement(e.model(), TimingMeasurement.THROUGHPUT, "images/s",
                    5000 / latencyFactor, 120, 128, 3));
            measurements.add(new TimingMeasurement(e.model(), TimingMeasurement.ATTACK_PREFIX + "deepfool", "ms/image",
                    4.5 * latencyFactor, 0.3, 16, 3));
            gallery.add(example(e.model(), index));
            // ordered maps: the card's file (and so every page listing them) is the same in every JVM
            Map<String, Object> params = new LinkedHashMap<>();
            params.put("lr", 0.01);
            params.put("epochs", 2);
            Map<String, String> code = new LinkedHashMap<>();
            code.put("git_commit", "0123456789abcdef0123456789abcdef01234567");
            code.put("version", "0.1.0-SNAPSHOT");
            ModelCard card = ModelCard.builder().cellId(e.model()).cellHash(hash).experiment("nightly")
                    .defense(e.defense()).architecture("lenet").params(params)
                    .initFrom(e.defense().equals("deep-defense") ? Map.of("cell", "vanilla/lenet/s0", "hash", "hash1") : null)
                    .data(new ModelCard.DataIdentity("mnist", "abc", 60000, "unit", "pixels / 255")).code(code)
                    .libraries(Map.of("djl", "0.36.0")).device("cpu()").epochSeconds(List.of(12.5, 11.75))
                    .metrics(Map.of("loss", 0.05)).notes(Map.of("rho2_train", 0.2)).createdAt("2026-11-25T10:00:00Z")
                    .paramsSha256("0".repeat(64)).budget(budget(e.defense())).build();
            Path modelDir = dir.resolve("models").resolve("cell" + index);
            Files.createDirectories(modelDir);
            json.writeValue(modelDir.resolve("card.json").toFile(), card);
            index++;
        }
        ResultsCsv.write(dir.resolve(OutputLayout.RESULTS), rows);
        if (sanity) {
            SanityCsv.write(dir.resolve(OutputLayout.SANITY), checks);
        }
        if (timing) {
            Map<String, String> settings = new LinkedHashMap<>();
            settings.put("preset", "fast");
            settings.put("forks", "0");
            TimingReport.write(dir.resolve(OutputLayout.TIMING), new TimingReport(new Machine("Test CPU 9000", 2,
                    1L << 30, "none", "cpu()", "Linux 6.1 amd64", "OpenJDK 17", "0.36.0 PyTorch 2.7.1"), settings,
                    measurements));
        }
        GalleryFile.write(dir.resolve(OutputLayout.GALLERY), gallery);
        Files.setLastModifiedTime(dir.resolve(OutputLayout.RESULTS), FileTime.from(when));
        return dir;
    }

    /** Deep Defense fine-tunes on 120,000 images after its parent's 60,000; the others train 10,000 on their own. */
    private static ModelCard.Budget budget(String defense) {
        TrainingBudget own = defense.equals("deep-defense") ? new TrainingBudget(120_000, 1_800_000, 1_500_000, 24.25)
                : new TrainingBudget(10_000, 10_000, 10_000, 2.0);
        TrainingBudget parent = defense.equals("deep-defense") ? new TrainingBudget(60_000, 60_000, 60_000, 5.0)
                : TrainingBudget.NONE;
        return new ModelCard.Budget(own, own.plus(parent));
    }

    private static GalleryExample example(String model, int seed) {
        Random random = new Random(seed);
        float[] clean = new float[28 * 28];
        float[] adversarial = new float[28 * 28];
        for (int i = 0; i < clean.length; i++) {
            int y = i / 28;
            int x = i % 28;
            clean[i] = (Math.abs(x - 14) < 3 && y > 4 && y < 24) ? 1f : 0f;
            adversarial[i] = Math.max(0f, Math.min(1f, clean[i] + (random.nextBoolean() ? 0.1f : -0.1f)));
        }
        return new GalleryExample(model, "fgsm", "Linf", 0.1, 1, 1, 7, 1, 28, 28, clean, adversarial, 0.1);
    }

    static ResultRow row(String model, String cellHash, String defense, String attack, String norm, double eps,
            double clean, double robust, double rho2) {
        int n = 1000;
        WilsonInterval ci = WilsonInterval.ofFraction(robust, n);
        return ResultRow.builder().experiment("nightly").model(model).defense(defense).architecture("lenet")
                .dataset("mnist").preprocessing("unit").seed(0L).cellHash(cellHash).attack(attack).norm(norm).epsilon(eps)
                .samples(n).cleanAccuracy(clean).robustAccuracy(robust).robustCi(ci).rho2(rho2).trainSeconds(24.25)
                .attackSeconds(3.5).attackParams("{\"norm\":\"" + norm + "\",\"seed\":0}").access(ResultRow.WHITE_BOX)
                .attackLabel(TestRows.label(attack)).attackTraits(TestRows.traits(attack)).build();
    }
}
