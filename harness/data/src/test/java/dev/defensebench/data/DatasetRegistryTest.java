package dev.defensebench.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetRegistryTest {

    @TempDir
    Path dataDir;

    @Test
    void standardKnowsMnistCifar10AndCifar100AndListsThemForUnknownNames() {
        DatasetRegistry r = DatasetRegistry.standard();
        assertThat(r.names()).containsExactly("cifar10", "cifar100", "mnist");
        assertThat(r.loader("MNIST").numClasses()).isEqualTo(10);
        assertThat(r.loader("cifar100").numClasses()).isEqualTo(100);
        assertThatThrownBy(() -> r.load("imagenet", dataDir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'imagenet'").hasMessageContaining("cifar10, cifar100, mnist");
    }

    @Test
    void defaultDataDirPrefersOverrideThenEnvironmentThenHome() {
        Path override = dataDir.resolve("x");
        assertThat(DatasetRegistry.defaultDataDir(override)).isEqualTo(override.toAbsolutePath());
        assertThat(DatasetRegistry.defaultDataDir(null, k -> k.equals("DEFENSEBENCH_DATA") ? "/data/db" : null, "/home/u"))
                .isEqualTo(Path.of("/data/db"));
        assertThat(DatasetRegistry.defaultDataDir(null, k -> " ", "/home/u"))
                .isEqualTo(Path.of("/home/u/.defense-bench/data"));
    }

    @Test
    void mnistWhenEverySourceFailsNamesEachSourceAndTheFilesToSupply() {
        List<FakeSource> made = new ArrayList<>();
        DatasetRegistry r = DatasetRegistry.withSources(
                dir -> {
                    List<DataSource> l = List.of(new LocalDirectorySource(dir), FakeSource.failing("mirror", "timed out"));
                    made.add((FakeSource) l.get(1));
                    return l;
                },
                dir -> List.of());
        DataUnavailableException e = catchThrowableOfType(DataUnavailableException.class, () -> r.load("mnist", dataDir));
        assertThat(e.getMessage())
                .contains("train-images-idx3-ubyte")
                .contains("SHA-256 ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db")
                .contains("1. local directory " + dataDir)
                .contains("2. fake mirror: IOException: timed out")
                .contains("train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte")
                .contains(dataDir.resolve("mnist").toString())
                .contains("DEFENSEBENCH_DATA");
        assertThat(made).singleElement().satisfies(s -> assertThat(s.closed).isTrue());
    }

    @Test
    void mnistLikeDataIsFetchedVerifiedCachedAndIdentifiedByContent(@TempDir Path otherDir) throws Exception {
        Map<String, byte[]> files = Map.of(
                "train-images-idx3-ubyte", TestFiles.idxImages(4, 28, 28),
                "train-labels-idx1-ubyte", TestFiles.idxLabels(0, 1, 2, 3),
                "t10k-images-idx3-ubyte", TestFiles.idxImages(2, 28, 28),
                "t10k-labels-idx1-ubyte", TestFiles.idxLabels(9, 8));
        List<RequiredFile> required = new ArrayList<>();
        for (RequiredFile real : MnistLoader.FILES) {
            required.add(new RequiredFile(real.name(),
                    Checksum.sha256(DataFetcherTest.hex("SHA-256", files.get(real.name())))));
        }
        FakeSource source = FakeSource.serving("mirror", files);
        DatasetRegistry r = DatasetRegistry.of(List.of(new MnistLoader(required, dir -> List.of(source))));
        LoadedDataset d = r.load("mnist", dataDir);
        assertThat(d.name()).isEqualTo("mnist");
        assertThat(d.numClasses()).isEqualTo(10);
        assertThat(d.train().count()).isEqualTo(4);
        assertThat(d.test().labels()).containsExactly(9, 8);
        assertThat(d.imageShape()).containsExactly(1, 28, 28);
        assertThat(d.sha256()).hasSize(64);
        assertThat(dataDir.resolve("mnist/t10k-labels-idx1-ubyte")).exists();
        assertThat(source.requests).hasSize(4);

        // second load: served from the cache
        assertThat(r.load("mnist", dataDir).sha256()).isEqualTo(d.sha256());
        assertThat(source.requests).hasSize(4);

        // the same bytes from another place (gzipped by hand in another data dir) give the same identity
        for (var e : files.entrySet()) {
            TestFiles.write(otherDir.resolve(e.getKey() + ".gz"), TestFiles.gzip(e.getValue()));
        }
        DatasetRegistry local = DatasetRegistry.of(List.of(new MnistLoader(required, LocalSources::of)));
        assertThat(local.load("mnist", otherDir).sha256()).isEqualTo(d.sha256());
    }

    /** Standard-like local sources only. */
    private static final class LocalSources {
        static List<DataSource> of(Path dir) {
            return List.of(new LocalDirectorySource(dir.resolve("mnist")), new LocalDirectorySource(dir));
        }
    }

    private static byte[] tinyCifarArchive(Path file) throws Exception {
        try (TestFiles.Tar tar = new TestFiles.Tar(file, true)) {
            tar.dir("cifar-10-batches-bin");
            for (int b = 1; b <= 5; b++) {
                tar.file("cifar-10-batches-bin/data_batch_" + b + ".bin", TestFiles.cifarRecords(b * 10, b, 9 - b));
            }
            tar.file("cifar-10-batches-bin/test_batch.bin", TestFiles.cifarRecords(0, 7, 3));
            tar.file("cifar-10-batches-bin/batches.meta.txt", "airplane\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return Files.readAllBytes(file);
    }

    @Test
    void cifar10ArchiveIsVerifiedByMd5ExtractedAndThenReusedFromTheExtractedDirectory(@TempDir Path work)
            throws Exception {
        byte[] archive = tinyCifarArchive(work.resolve("a.tar.gz"));
        RequiredFile required = new RequiredFile("cifar-10-binary.tar.gz",
                Checksum.md5(DataFetcherTest.hex("MD5", archive)));
        FakeSource source = FakeSource.serving("toronto", Map.of("cifar-10-binary.tar.gz", archive));
        CifarLoader loader = new CifarLoader(CifarFormat.CIFAR10.with(required, 2, 2), dir -> List.of(source));
        DatasetRegistry r = DatasetRegistry.standard().with(loader);

        LoadedDataset d = r.load("cifar10", dataDir);
        assertThat(d.train().count()).isEqualTo(10);
        assertThat(d.train().labels()).containsExactly(1, 8, 2, 7, 3, 6, 4, 5, 5, 4);
        assertThat(d.test().labels()).containsExactly(7, 3);
        assertThat(d.imageShape()).containsExactly(3, 32, 32);
        assertThat(dataDir.resolve("cifar10/cifar-10-batches-bin/test_batch.bin")).exists();
        try (var files = Files.list(dataDir.resolve("cifar10"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("cifar-10-binary.tar.gz", "cifar-10-batches-bin");
        }
        // second load uses the extracted directory without fetching
        Files.delete(dataDir.resolve("cifar10/cifar-10-binary.tar.gz"));
        assertThat(r.load("cifar10", dataDir).sha256()).isEqualTo(d.sha256());
        assertThat(source.requests).hasSize(1);
    }

    @Test
    void cifar10AcceptsAnExtractedDirectoryInTheDataDirAndChecksSizes(@TempDir Path work) throws Exception {
        Path batches = dataDir.resolve("cifar-10-batches-bin");
        for (String f : CifarFormat.CIFAR10.trainFiles()) {
            TestFiles.write(batches.resolve(f), TestFiles.cifarRecords(0, 1, 2));
        }
        TestFiles.write(batches.resolve("test_batch.bin"), TestFiles.cifarRecords(0, 3)); // wrong size
        FakeSource none = FakeSource.failing("toronto", "unreachable");
        CifarLoader loader = new CifarLoader(CifarFormat.CIFAR10.with(CifarFormat.CIFAR10.archive(), 2, 2),
                dir -> List.of(none));
        DataUnavailableException e = catchThrowableOfType(DataUnavailableException.class, () -> loader.load(dataDir));
        assertThat(e.getMessage()).contains("cifar-10-binary.tar.gz").contains("MD5 c32a1d4ab5d03f1284b67883e8d87530")
                .contains("1. fake toronto: IOException: unreachable")
                .contains("cifar-10-batches-bin").contains("test_batch.bin");

        TestFiles.write(batches.resolve("test_batch.bin"), TestFiles.cifarRecords(0, 3, 4));
        LoadedDataset d = loader.load(dataDir);
        assertThat(d.train().count()).isEqualTo(10);
        assertThat(d.test().labels()).containsExactly(3, 4);
        assertThat(none.requests).hasSize(1);
    }

    @Test
    void cifar10ArchiveWithUnsafeEntriesIsRefused(@TempDir Path work) throws Exception {
        Path file = work.resolve("evil.tar.gz");
        try (TestFiles.Tar tar = new TestFiles.Tar(file, true)) {
            tar.file("../../evil", new byte[] {1});
        }
        byte[] archive = Files.readAllBytes(file);
        RequiredFile required = new RequiredFile("cifar-10-binary.tar.gz",
                Checksum.md5(DataFetcherTest.hex("MD5", archive)));
        CifarLoader loader = new CifarLoader(CifarFormat.CIFAR10.with(required, 1, 1),
                dir -> List.of(FakeSource.serving("s", Map.of("cifar-10-binary.tar.gz", archive))));
        assertThatThrownBy(() -> loader.load(dataDir)).isInstanceOf(UnsafeArchiveException.class)
                .hasMessageContaining("../../evil");
        assertThat(dataDir.resolve("evil")).doesNotExist();
        assertThat(dataDir.getParent().resolve("evil")).doesNotExist();
        try (var files = Files.list(dataDir.resolve("cifar10"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("cifar-10-binary.tar.gz");
        }
    }

    @Test
    void cifar100ArchiveIsVerifiedByMd5ExtractedAndReadWithItsFineLabels(@TempDir Path work) throws Exception {
        Path file = work.resolve("c100.tar.gz");
        try (TestFiles.Tar tar = new TestFiles.Tar(file, true)) {
            tar.dir("cifar-100-binary");
            tar.file("cifar-100-binary/train.bin", TestFiles.cifar100Records(0, 10, 99, 42));
            tar.file("cifar-100-binary/test.bin", TestFiles.cifar100Records(5, 7, 63));
            tar.file("cifar-100-binary/fine_label_names.txt", "apple\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        byte[] archive = Files.readAllBytes(file);
        RequiredFile required = new RequiredFile("cifar-100-binary.tar.gz", Checksum.md5(DataFetcherTest.hex("MD5", archive)));
        FakeSource source = FakeSource.serving("toronto", Map.of("cifar-100-binary.tar.gz", archive));
        DatasetRegistry r = DatasetRegistry.standard()
                .with(new CifarLoader(CifarFormat.CIFAR100.with(required, 3, 2), dir -> List.of(source)));

        LoadedDataset d = r.load("cifar100", dataDir);
        assertThat(d.numClasses()).isEqualTo(100);
        assertThat(d.train().labels()).containsExactly(10, 99, 42);
        assertThat(d.test().labels()).containsExactly(7, 63);
        assertThat(dataDir.resolve("cifar100/cifar-100-binary/test.bin")).exists();

        byte[] corrupt = archive.clone();
        corrupt[corrupt.length / 2] ^= 1;
        FakeSource bad = FakeSource.serving("toronto", Map.of("cifar-100-binary.tar.gz", corrupt));
        CifarLoader strict = new CifarLoader(CifarFormat.CIFAR100, dir -> List.of(bad));
        assertThatThrownBy(() -> strict.load(work.resolve("other")))
                .hasMessageContaining("cifar-100-binary.tar.gz").hasMessageContaining("03b5dce01913d631647c71ecec9e9cb8");
    }
}
