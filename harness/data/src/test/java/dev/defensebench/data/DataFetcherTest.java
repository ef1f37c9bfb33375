package dev.defensebench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFetcherTest {

    private static final byte[] GOOD = "the real content".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BAD = "tampered content".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path cache;

    static String hex(String algorithm, byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(b));
    }

    private static RequiredFile file() throws Exception {
        return new RequiredFile("data.bin", Checksum.sha256(hex("SHA-256", GOOD)));
    }

    @Test
    void validCachedCopyIsUsedWithoutAskingSources() throws Exception {
        Files.write(cache.resolve("data.bin"), GOOD);
        FakeSource source = FakeSource.serving("s", Map.of("data.bin", BAD));
        Path p = new DataFetcher("test", cache, List.of(source)).fetch(file());
        assertThat(p).isEqualTo(cache.resolve("data.bin"));
        assertThat(source.requests).isEmpty();
    }

    @Test
    void corruptCachedCopyIsRefetchedFromTheNextSourceThatMatches() throws Exception {
        Files.write(cache.resolve("data.bin"), new byte[] {1, 2, 3}); // truncated / corrupt
        FakeSource wrong = FakeSource.serving("wrong", Map.of("data.bin", BAD));
        FakeSource right = FakeSource.serving("right", Map.of("data.bin", GOOD));
        Path p = new DataFetcher("test", cache, List.of(wrong, right)).fetch(file());
        assertThat(Files.readAllBytes(p)).isEqualTo(GOOD);
        assertThat(wrong.requests).containsExactly("data.bin");
        assertThat(right.requests).containsExactly("data.bin");
        assertThat(cache.resolve("data.bin.corrupt")).exists();
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("data.bin",
                    "data.bin.corrupt"); // no temporary files left
        }
    }

    @Test
    void whenEverySourceFailsTheMessageListsEachAndSaysHowToSupplyTheFile() throws Exception {
        FakeSource down = FakeSource.failing("mirror", "connection refused");
        FakeSource empty = FakeSource.serving("empty", Map.of());
        FakeSource wrong = FakeSource.serving("wrong", Map.of("data.bin", BAD));
        DataUnavailableException e = catchThrowableOfType(DataUnavailableException.class,
                () -> new DataFetcher("test", cache, List.of(down, empty, wrong)).fetch(file()));
        assertThat(e.failures()).hasSize(3);
        assertThat(e.getMessage())
                .contains("'data.bin'")
                .contains("SHA-256 " + hex("SHA-256", GOOD))
                .contains("1. fake mirror: IOException: connection refused")
                .contains("2. fake empty: not found")
                .contains("3. fake wrong: delivered 16 bytes with SHA-256 " + hex("SHA-256", BAD))
                .contains("put this file")
                .contains(cache.toString());
        assertThat(cache.resolve("data.bin")).doesNotExist();
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void md5ChecksumsAreSupportedAndNamedInMessages() throws Exception {
        RequiredFile md5 = new RequiredFile("a.tgz", Checksum.md5(hex("MD5", GOOD)));
        FakeSource wrong = FakeSource.serving("wrong", Map.of("a.tgz", BAD));
        DataUnavailableException e = catchThrowableOfType(DataUnavailableException.class,
                () -> new DataFetcher("test", cache, List.of(wrong)).withManualHint("HINT").fetch(md5));
        assertThat(e.getMessage()).contains("(MD5 " + hex("MD5", GOOD) + ")").contains("with MD5 " + hex("MD5", BAD))
                .endsWith("HINT");
        FakeSource right = FakeSource.serving("right", Map.of("a.tgz", GOOD));
        assertThat(new DataFetcher("test", cache, List.of(right)).fetch(md5)).hasBinaryContent(GOOD);
    }

    @Test
    void fetchAllListsEveryRequiredFileInTheHint() throws Exception {
        RequiredFile a = new RequiredFile("a", Checksum.sha256(hex("SHA-256", GOOD)));
        RequiredFile b = new RequiredFile("b", Checksum.sha256(hex("SHA-256", GOOD)));
        FakeSource onlyA = FakeSource.serving("s", Map.of("a", GOOD));
        DataUnavailableException e = catchThrowableOfType(DataUnavailableException.class,
                () -> new DataFetcher("test", cache, List.of(onlyA)).fetchAll(List.of(a, b)));
        assertThat(e.getMessage()).contains("'b'").contains("these files").contains(": a, b");
        assertThat(cache.resolve("a")).hasBinaryContent(GOOD);
    }

    @Test
    void localDirectorySourceAcceptsGzNextToTheRawName(@TempDir Path data) throws Exception {
        TestFiles.write(data.resolve("data.bin.gz"), TestFiles.gzip(GOOD));
        Path p = new DataFetcher("test", cache, List.of(new LocalDirectorySource(data))).fetch(file());
        assertThat(p).hasBinaryContent(GOOD);
        DataUnavailableException e = catchThrowableOfType(DataUnavailableException.class,
                () -> new DataFetcher("test", cache, List.of(new LocalDirectorySource(data)))
                        .fetch(new RequiredFile("other", Checksum.sha256(hex("SHA-256", GOOD)))));
        assertThat(e.getMessage()).contains("local directory " + data.toAbsolutePath().normalize())
                .contains("neither other nor other.gz");
    }

    @Test
    void unreachableSourcesAreNotRetriedForLaterFiles() throws Exception {
        RequiredFile a = new RequiredFile("a", Checksum.sha256(hex("SHA-256", GOOD)));
        RequiredFile b = new RequiredFile("b", Checksum.sha256(hex("SHA-256", GOOD)));
        List<String> calls = new java.util.ArrayList<>();
        DataSource down = new DataSource() {
            @Override
            public String describe() {
                return "down";
            }

            @Override
            public void fetch(String fileName, Path target) throws java.io.IOException {
                calls.add(fileName);
                throw new java.net.ConnectException("Connection refused");
            }
        };
        FakeSource ok = FakeSource.serving("ok", Map.of("a", GOOD, "b", GOOD));
        new DataFetcher("test", cache, List.of(down, ok)).fetchAll(List.of(a, b));
        assertThat(calls).containsExactly("a");
        assertThat(ok.requests).containsExactly("a", "b");
    }

    @Test
    void checksumRejectsMalformedDigests() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Checksum.sha256("abc"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SHA-256");
        assertThat(Checksum.md5("C32A1D4AB5D03F1284B67883E8D87530").hex()).isEqualTo("c32a1d4ab5d03f1284b67883e8d87530");
    }
}
