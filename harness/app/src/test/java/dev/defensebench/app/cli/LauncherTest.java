package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher's rebuild decision ({@code newer_source} in {@code ./defense-bench}): a source newer than the jar; and its
 * choice of native allocator ({@code allocator_exports}): the library named by {@code DEFENSE_BENCH_ALLOCATOR}
 * preloaded with a {@code MALLOC_CONF} that keeps freed pages, glibc on request, the user's allocator and
 * {@code MALLOC_CONF} winning, and a clear error for a name that is no file.
 */
class LauncherTest {

    private static final Path LAUNCHER = Path.of("../../defense-bench").toAbsolutePath().normalize();
    private static final Instant BUILT = Instant.parse("2026-12-01T00:00:00Z");

    /** What {@code newer_source ROOT JAR} prints. */
    private static String newerSource(Path root, Path jar) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-c", "source \"$1\" && newer_source \"$2\" \"$3\"", "launcher-test",
                LAUNCHER.toString(), root.toString(), jar.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    private static Path file(Path path, Instant modified) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, "x");
        Files.setLastModifiedTime(path, FileTime.from(modified));
        return path;
    }

    @Test
    void aSourceFileOrPomNewerThanTheJarCallsForARebuild(@TempDir Path root) throws Exception {
        Instant before = BUILT.minusSeconds(60);
        Instant after = BUILT.plusSeconds(60);
        file(root.resolve("pom.xml"), before);
        file(root.resolve("attacks/pom.xml"), before);
        Path source = file(root.resolve("attacks/src/main/java/dev/defensebench/attacks/DeepFool.java"), before);
        Path appPom = file(root.resolve("harness/app/pom.xml"), before);
        file(root.resolve("harness/app/src/main/java/Main.java"), before);
        Path jar = file(root.resolve("harness/app/target/harness-app.jar"), BUILT);
        // build outputs and results are not sources
        file(root.resolve("attacks/target/classes/dev/defensebench/attacks/DeepFool.class"), after);
        file(root.resolve("out/quickstart/results.csv"), after);
        file(root.resolve("README.md"), after);
        assertThat(newerSource(root, jar)).isEmpty();

        Files.setLastModifiedTime(source, FileTime.from(after));
        assertThat(newerSource(root, jar)).isEqualTo(source.toString());

        Files.setLastModifiedTime(source, FileTime.from(before));
        Files.setLastModifiedTime(appPom, FileTime.from(after));
        assertThat(newerSource(root, jar)).isEqualTo(appPom.toString());
    }

    /** What {@code allocator_exports} prints on stdout and stderr, and its exit status. */
    private record Exports(String stdout, String stderr, int status) {}

    private static Exports allocatorExports(Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "source \"$1\" && allocator_exports", "launcher-test",
                LAUNCHER.toString());
        pb.environment().remove("LD_PRELOAD");
        pb.environment().remove("MALLOC_CONF");
        pb.environment().remove("DEFENSE_BENCH_ALLOCATOR");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return new Exports(out, err, p.waitFor());
    }

    @Test
    void aNamedAllocatorIsPreloadedKeepingFreedPagesAndTheUsersSettingsWin(@TempDir Path dir) throws Exception {
        Path library = file(dir.resolve("libjemalloc.so.2"), BUILT);
        Exports named = allocatorExports(Map.of("DEFENSE_BENCH_ALLOCATOR", library.toString()));
        assertThat(named.status()).as(named.stderr()).isZero();
        assertThat(named.stdout()).isEqualTo("LD_PRELOAD=" + library + "\nMALLOC_CONF=" + SuitePlan.JEMALLOC_CONF);
        assertThat(named.stderr()).contains("native memory through " + library);

        Exports kept = allocatorExports(Map.of("DEFENSE_BENCH_ALLOCATOR", library.toString(), "LD_PRELOAD", "/opt/x.so",
                "MALLOC_CONF", "narenas:2"));
        assertThat(kept.stdout()).isEqualTo("LD_PRELOAD=" + library + ":/opt/x.so\nMALLOC_CONF=narenas:2");

        Exports glibc = allocatorExports(Map.of("DEFENSE_BENCH_ALLOCATOR", "glibc"));
        assertThat(glibc.status()).isZero();
        assertThat(glibc.stdout()).isEmpty();

        Exports users = allocatorExports(Map.of("LD_PRELOAD", "/usr/lib/libtcmalloc_minimal.so.4"));
        assertThat(users.status()).isZero();
        assertThat(users.stdout()).isEmpty();
        assertThat(users.stderr()).contains("the allocator in your LD_PRELOAD");
    }

    /**
     * The installed jemalloc reads every option of the launcher's setting: it prints each one back (its statistics'
     * option list) and complains about none. Without the kept-extent split, the extents it kept coalesced into blocks
     * no later small request could use, and AutoAttack's Square at real scale grew the process to 24 GB.
     */
    @Test
    void theInstalledJemallocTakesTheLaunchersSetting() throws Exception {
        Exports auto = allocatorExports(Map.of());
        assumeTrue(auto.stdout().startsWith("LD_PRELOAD="), "no libjemalloc.so.2 known to ldconfig (Debian: libjemalloc2)");
        String library = auto.stdout().lines().findFirst().orElseThrow().substring("LD_PRELOAD=".length());
        assertThat(auto.stdout()).endsWith("\nMALLOC_CONF=" + SuitePlan.JEMALLOC_CONF);

        ProcessBuilder pb = new ProcessBuilder("/bin/true");
        pb.environment().put("LD_PRELOAD", library);
        pb.environment().put("MALLOC_CONF", SuitePlan.JEMALLOC_CONF + ",stats_print:true,stats_print_opts:mdablxeh");
        Process p = pb.start();
        String stats = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).isZero();
        assertThat(stats).doesNotContain("Invalid conf")
                .contains("opt.dirty_decay_ms: -1", "opt.muzzy_decay_ms: -1", "opt.lg_extent_max_active_fit: 32");
    }

    @Test
    void anAllocatorThatIsNoFileIsRefusedByName(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("libjemalloc.so.9");
        Exports refused = allocatorExports(Map.of("DEFENSE_BENCH_ALLOCATOR", missing.toString()));
        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.stdout()).isEmpty();
        assertThat(refused.stderr()).contains("DEFENSE_BENCH_ALLOCATOR=" + missing + " is neither auto, glibc nor a library file");
    }
}
