package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher's rebuild decision ({@code newer_source} in {@code ./defense-bench}): a source newer than the jar. */
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
}
