package dev.defensebench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTarTest {

    private static final byte[] HELLO = "hello".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    private Path target() throws Exception {
        return Files.createDirectories(tmp.resolve("out/target"));
    }

    /** Everything under tmp except the archives and the target directory itself. */
    private List<String> outsideTarget() throws Exception {
        try (Stream<Path> walk = Files.walk(tmp)) {
            return walk.filter(p -> !p.startsWith(tmp.resolve("out/target")))
                    .filter(p -> !p.getFileName().toString().startsWith("a."))
                    .map(p -> tmp.relativize(p).toString())
                    .filter(s -> !s.isEmpty() && !s.equals("out"))
                    .toList();
        }
    }

    @Test
    void extractsFilesAndDirectoriesFromTarGz() throws Exception {
        Path archive = tmp.resolve("a.tar.gz");
        try (TestFiles.Tar tar = new TestFiles.Tar(archive, true)) {
            tar.dir("pkg").file("pkg/data/x.bin", HELLO).file("./top.txt", HELLO)
                    .symlink("pkg/link", "data/x.bin").hardlink("pkg/hard", "pkg/data/x.bin");
        }
        Path target = target();
        List<Path> written = SafeTar.extract(archive, target);
        assertThat(target.resolve("pkg/data/x.bin")).hasBinaryContent(HELLO);
        assertThat(target.resolve("top.txt")).hasBinaryContent(HELLO);
        assertThat(Files.isSymbolicLink(target.resolve("pkg/link"))).isTrue();
        assertThat(target.resolve("pkg/link")).hasBinaryContent(HELLO);
        assertThat(target.resolve("pkg/hard")).hasBinaryContent(HELLO);
        assertThat(written).hasSize(3);
    }

    @Test
    void extractsPlainTar() throws Exception {
        Path archive = tmp.resolve("a.tar");
        try (TestFiles.Tar tar = new TestFiles.Tar(archive, false)) {
            tar.file("x", HELLO);
        }
        SafeTar.extract(archive, target());
        assertThat(target().resolve("x")).hasBinaryContent(HELLO);
    }

    @Test
    void refusesDotDotEntriesAndWritesNothingOutside() throws Exception {
        Path archive = tmp.resolve("a.tar.gz");
        try (TestFiles.Tar tar = new TestFiles.Tar(archive, true)) {
            tar.file("ok.txt", HELLO).file("../evil", HELLO).file("after.txt", HELLO);
        }
        Path target = target();
        assertThatThrownBy(() -> SafeTar.extract(archive, target))
                .isInstanceOf(UnsafeArchiveException.class)
                .hasMessageContaining("'../evil'")
                .satisfies(e -> assertThat(((UnsafeArchiveException) e).entryName()).isEqualTo("../evil"));
        assertThat(tmp.resolve("out/evil")).doesNotExist();
        assertThat(target.resolve("after.txt")).doesNotExist();
        assertThat(outsideTarget()).isEmpty();
    }

    @Test
    void refusesNestedEscapes() throws Exception {
        Path archive = tmp.resolve("a.tar");
        try (TestFiles.Tar tar = new TestFiles.Tar(archive, false)) {
            tar.file("a/b/../../../evil", HELLO);
        }
        assertThatThrownBy(() -> SafeTar.extract(archive, target()))
                .isInstanceOf(UnsafeArchiveException.class).hasMessageContaining("a/b/../../../evil");
        assertThat(outsideTarget()).isEmpty();
    }

    @Test
    void refusesAbsolutePaths() throws Exception {
        Path archive = tmp.resolve("a.tar");
        Path victim = tmp.resolve("victim.txt");
        try (TestFiles.Tar tar = new TestFiles.Tar(archive, false)) {
            tar.file(victim.toString(), HELLO);
        }
        assertThatThrownBy(() -> SafeTar.extract(archive, target()))
                .isInstanceOf(UnsafeArchiveException.class).hasMessageContaining("absolute");
        assertThat(victim).doesNotExist();
    }

    @Test
    void refusesSymlinksPointingOutside() throws Exception {
        Path archive = tmp.resolve("a.tar");
        try (TestFiles.Tar tar = new TestFiles.Tar(archive, false)) {
            tar.symlink("escape", "../..").file("escape/evil", HELLO);
        }
        assertThatThrownBy(() -> SafeTar.extract(archive, target()))
                .isInstanceOf(UnsafeArchiveException.class).hasMessageContaining("'escape'")
                .hasMessageContaining("outside");
        Path archive2 = tmp.resolve("a2.tar");
        try (TestFiles.Tar tar = new TestFiles.Tar(archive2, false)) {
            tar.symlink("abs", "/etc/passwd");
        }
        assertThatThrownBy(() -> SafeTar.extract(archive2, target()))
                .isInstanceOf(UnsafeArchiveException.class).hasMessageContaining("absolute");
        assertThat(tmp.resolve("evil")).doesNotExist();
    }

    @Test
    void refusesLinkChainsThatEscapePhysically() throws Exception {
        // "d" -> "." is inside; "d/e" -> ".." looks inside lexically but is physically the target's parent
        Path archive = tmp.resolve("a.tar");
        try (TestFiles.Tar tar = new TestFiles.Tar(archive, false)) {
            tar.symlink("d", ".").symlink("d/e", "..").file("d/e/evil", HELLO);
        }
        assertThatThrownBy(() -> SafeTar.extract(archive, target()))
                .isInstanceOf(UnsafeArchiveException.class);
        assertThat(tmp.resolve("out/evil")).doesNotExist();
        assertThat(outsideTarget()).isEmpty();
    }

    @Test
    void refusesHardLinksToOutside() throws Exception {
        Files.write(tmp.resolve("secret"), HELLO);
        Path archive = tmp.resolve("a.tar");
        try (TestFiles.Tar tar = new TestFiles.Tar(archive, false)) {
            tar.hardlink("h", "../../secret");
        }
        assertThatThrownBy(() -> SafeTar.extract(archive, target()))
                .isInstanceOf(UnsafeArchiveException.class).hasMessageContaining("'h'");
        assertThat(target().resolve("h")).doesNotExist();
    }
}
