package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code bench suite}'s plan: unique sections in the same order with and without --quick, every reference line
 * after the bench section that saved its network, and every command the one docs/benchmarks.md documents under
 * the heading the section names (so the suite and the page cannot drift apart).
 */
class SuitePlanTest {

    private static final Path OUT = Path.of("/tmp/suite-out");

    private static final List<SuiteSection> FULL = new SuitePlan(false, OUT).sections();
    private static final List<SuiteSection> QUICK = new SuitePlan(true, OUT).sections();

    @Test
    void sectionsAreUniqueAndTheQuickPlanHasTheSameOnesInTheSameOrder() {
        List<String> names = FULL.stream().map(SuiteSection::name).toList();

        assertThat(new HashSet<>(names)).hasSameSizeAs(names);
        assertThat(QUICK.stream().map(SuiteSection::name).toList()).isEqualTo(names);
        assertThat(FULL).allSatisfy(s -> assertThat(s.skip()).as(s.name()).isNull());
    }

    @Test
    void quickSkipsOnlyTheTwoThreadRowsAndTheTrainingRunAndSaysWhy() {
        for (SuiteSection s : QUICK) {
            boolean skipped = s.name().endsWith("-2t") || s.name().equals("baselines-mnist");
            assertThat(s.skip() != null).as(s.name()).isEqualTo(skipped);
        }
        assertThat(QUICK).filteredOn(s -> s.name().endsWith("-2t"))
                .allSatisfy(s -> assertThat(s.skip()).isEqualTo("--quick runs the one-thread rows only"));
    }

    @Test
    void quickShrinksTheCountsAndTakesEveryOptionOnce() {
        for (SuiteSection s : QUICK) {
            List<String> options = s.args().stream().filter(a -> a.startsWith("--")).toList();
            assertThat(new HashSet<>(options)).as(s.name() + ": " + s.args()).hasSameSizeAs(options);
        }
        assertThat(value(byName(QUICK, "step-lenet"), "--steps")).isEqualTo("3");
        assertThat(value(byName(FULL, "step-lenet"), "--steps")).isEqualTo("1000");
        assertThat(value(byName(QUICK, "autoattack-l2"), "--ensemble-images")).isEqualTo("10");
        assertThat(value(byName(QUICK, "autoattack-l2-reference"), "--images")).isEqualTo("10");
        assertThat(value(byName(FULL, "autoattack-l2-reference"), "--images")).isEqualTo("1000");
    }

    @Test
    void mergedReplacesAnOptionsValueAndAppendsANewOne() {
        assertThat(SuitePlan.merged(List.of("bench", "--steps", "1000", "--arch", "mlp"), List.of("--steps", "3", "--warmup", "1")))
                .containsExactly("bench", "--steps", "3", "--arch", "mlp", "--warmup", "1");
    }

    @Test
    void everyReferenceLineReadsANetworkThatItsEarlierBenchSectionSaves() {
        Map<String, Path> saved = new HashMap<>();
        Set<String> threadCounts = new HashSet<>();
        for (SuiteSection s : FULL) {
            if (!s.reference()) {
                int at = s.args().indexOf("--save-onnx");
                if (at >= 0) {
                    saved.put(s.name(), Path.of(s.args().get(at + 1)));
                }
                continue;
            }
            assertThat(saved).as(s.name() + " after " + s.after()).containsKey(s.after());
            for (String onnx : value(s, "--onnx").split(",")) { // scale: several networks, comma-separated
                assertThat(Path.of(onnx).getParent()).as(s.name()).isEqualTo(saved.get(s.after()));
            }
            SuiteSection bench = byName(FULL, s.after());
            assertThat(value(s, "--threads")).as(s.name()).isEqualTo(bench.env().get("OMP_NUM_THREADS"));
            // the bench's thread count, and only the real-scale lines add settings (the allocator); OpenMP's wait
            // policy stays the default defense-bench's side has on a quiet machine (PASSIVE slowed PyTorch by up to 26%)
            assertThat(s.env()).as(s.name()).containsAllEntriesOf(bench.env()).doesNotContainKey("OMP_WAIT_POLICY");
            if (!s.table().equals(SuitePlan.REAL_SCALE)) {
                assertThat(s.env()).as(s.name()).isEqualTo(bench.env());
            }
            threadCounts.add(value(s, "--threads"));
        }
        assertThat(threadCounts).containsExactlyInAnyOrder("1", "2");
    }

    @Test
    void everyBenchCommandIsTheOneTheBenchmarksPageDocumentsUnderTheSectionsHeading() throws IOException {
        String page = Files.readString(Path.of("../../docs/benchmarks.md"), StandardCharsets.UTF_8);
        String flat = page.replaceAll("\\\\\\n", " ").replaceAll("\\s+", " ");
        List<String> headings = page.lines().filter(l -> l.startsWith("## ")).map(l -> l.substring(3)).toList();
        for (SuiteSection s : FULL) {
            assertThat(headings).as(s.name()).contains(s.table());
            if (s.reference()) {
                continue;
            }
            String documented = "./defense-bench " + String.join(" ", withoutPaths(s.args()));
            assertThat(flat).as(s.name()).contains(documented);
            assertThat(page).as(s.name()).contains(s.name().replace("-2t", "-1t"));
        }
    }

    /** The arguments without {@code --save-onnx DIR} and {@code --out DIR}, which name the suite's own folders. */
    private static List<String> withoutPaths(List<String> args) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--save-onnx") || args.get(i).equals("--out")) {
                i++;
            } else {
                kept.add(args.get(i));
            }
        }
        return kept;
    }

    private static SuiteSection byName(List<SuiteSection> plan, String name) {
        return plan.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static String value(SuiteSection s, String option) {
        int at = s.args().indexOf(option);
        assertThat(at).as(s.name() + " has " + option).isGreaterThanOrEqualTo(0);
        return s.args().get(at + 1);
    }
}
