package dev.defensebench.data;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CIFAR-10 (10 classes, 50,000 train and 10,000 test 3×32×32 colour images) in its binary format. Uses an
 * already extracted {@code cifar-10-batches-bin} directory (in {@code dataDir/cifar10/} or {@code dataDir/})
 * when all six batch files have the right size; otherwise fetches {@code cifar-10-binary.tar.gz}, verified by
 * the MD5 its authors publish, and extracts it with {@link SafeTar} into {@code dataDir/cifar10/}.
 */
public final class Cifar10Loader implements DatasetLoader {

    private static final Logger LOG = LoggerFactory.getLogger(Cifar10Loader.class);

    /** Registry name. */
    public static final String NAME = "cifar10";
    /** The archive as published by its authors, with their MD5. */
    public static final RequiredFile ARCHIVE = new RequiredFile("cifar-10-binary.tar.gz",
            Checksum.md5("c32a1d4ab5d03f1284b67883e8d87530"));
    /** Where the authors publish the archive. */
    public static final String ARCHIVE_BASE_URL = "https://www.cs.toronto.edu/~kriz/";
    /** The directory inside the archive. */
    public static final String BATCH_DIR = "cifar-10-batches-bin";
    /** Training batches, in order. */
    public static final List<String> TRAIN_FILES = List.of("data_batch_1.bin", "data_batch_2.bin",
            "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    /** The test batch. */
    public static final String TEST_FILE = "test_batch.bin";
    /** Size of each real batch file: 10,000 records of 3073 bytes. */
    public static final long BATCH_FILE_BYTES = 30_730_000L;

    private final RequiredFile archive;
    private final long batchFileBytes;
    private final Function<Path, List<DataSource>> sources;

    /**
     * @param archive        the archive file and its checksum
     * @param batchFileBytes expected size of every batch file
     * @param sources        given the data directory, the sources of the archive, tried in order (a fresh
     *                       list per load; they are closed afterwards)
     */
    public Cifar10Loader(RequiredFile archive, long batchFileBytes, Function<Path, List<DataSource>> sources) {
        this.archive = Objects.requireNonNull(archive, "archive");
        if (batchFileBytes <= 0 || batchFileBytes % Cifar10BinaryReader.RECORD_BYTES != 0) {
            throw new IllegalArgumentException("batch file size must be a positive multiple of "
                    + Cifar10BinaryReader.RECORD_BYTES + ", found " + batchFileBytes);
        }
        this.batchFileBytes = batchFileBytes;
        this.sources = Objects.requireNonNull(sources, "sources");
    }

    /** The real archive from the standard sources. */
    public static Cifar10Loader standard() {
        return new Cifar10Loader(ARCHIVE, BATCH_FILE_BYTES, Cifar10Loader::standardSources);
    }

    /** The real archive from custom sources. */
    public static Cifar10Loader withSources(Function<Path, List<DataSource>> sources) {
        return new Cifar10Loader(ARCHIVE, BATCH_FILE_BYTES, sources);
    }

    /** Data directory ({@code dataDir/cifar10}, then {@code dataDir}), then the authors' site. */
    public static List<DataSource> standardSources(Path dataDir) {
        return List.of(new LocalDirectorySource(dataDir.resolve(NAME)), new LocalDirectorySource(dataDir),
                HttpMirrorSource.plain(ARCHIVE_BASE_URL));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int numClasses() {
        return Cifar10BinaryReader.NUM_CLASSES;
    }

    @Override
    public LoadedDataset load(Path dataDir) throws IOException {
        Path dir = dataDir.toAbsolutePath().normalize();
        Path cacheDir = dir.resolve(NAME);
        Path batches = null;
        for (Path candidate : List.of(cacheDir.resolve(BATCH_DIR), dir.resolve(BATCH_DIR))) {
            if (Files.isDirectory(candidate)) {
                String problem = problem(candidate);
                if (problem == null) {
                    batches = candidate;
                    break;
                }
                LOG.warn("{}: ignoring {}: {}", NAME, candidate, problem);
            }
        }
        if (batches == null) {
            batches = fetchAndExtract(dir, cacheDir);
        }
        List<Path> trainFiles = new ArrayList<>();
        List<String> identity = new ArrayList<>();
        for (String f : TRAIN_FILES) {
            trainFiles.add(batches.resolve(f));
        }
        for (String f : allFiles()) {
            identity.add(f);
            identity.add(Checksum.sha256Of(batches.resolve(f)));
        }
        ImageSplit train = Cifar10BinaryReader.read(trainFiles);
        ImageSplit test = Cifar10BinaryReader.read(List.of(batches.resolve(TEST_FILE)));
        LOG.info("{}: {} train and {} test images from {}", NAME, train.count(), test.count(), batches);
        return new LoadedDataset(NAME, numClasses(), train, test, Checksum.identity(identity));
    }

    private Path fetchAndExtract(Path dataDir, Path cacheDir) throws IOException {
        List<DataSource> list = sources.apply(dataDir);
        Path archivePath;
        try {
            archivePath = new DataFetcher(NAME, cacheDir, list).withManualHint(manualHint(dataDir, cacheDir))
                    .fetch(archive);
        } finally {
            Sources.closeAll(list);
        }
        Path tmp = Files.createTempDirectory(cacheDir, ".extract-");
        try {
            LOG.info("{}: extracting {}", NAME, archivePath);
            SafeTar.extract(archivePath, tmp);
            Path extracted = tmp.resolve(BATCH_DIR);
            String problem = Files.isDirectory(extracted) ? problem(extracted)
                    : "the archive has no " + BATCH_DIR + "/ directory";
            if (problem != null) {
                throw new DatasetFormatException(archivePath, "verified by checksum, but its content is not as "
                        + "expected: " + problem);
            }
            Path dest = cacheDir.resolve(BATCH_DIR);
            if (Files.exists(dest)) {
                Path aside = cacheDir.resolve(BATCH_DIR + ".corrupt");
                Sources.deleteRecursively(aside);
                Files.move(dest, aside);
                LOG.warn("{}: moved the previous, incomplete {} to {}", NAME, dest, aside);
            }
            try {
                Files.move(extracted, dest, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(extracted, dest);
            }
            return dest;
        } finally {
            Sources.deleteRecursively(tmp);
        }
    }

    /** Null when the directory holds all six batch files of the expected size, else what is wrong. */
    private String problem(Path batchDir) throws IOException {
        List<String> wrong = new ArrayList<>();
        for (String f : allFiles()) {
            Path p = batchDir.resolve(f);
            if (!Files.isRegularFile(p)) {
                wrong.add(f + " is missing");
            } else if (Files.size(p) != batchFileBytes) {
                wrong.add(String.format(Locale.ROOT, "%s has %,d bytes, expected %,d", f, Files.size(p), batchFileBytes));
            }
        }
        return wrong.isEmpty() ? null : String.join("; ", wrong);
    }

    private static List<String> allFiles() {
        List<String> all = new ArrayList<>(TRAIN_FILES);
        all.add(TEST_FILE);
        return all;
    }

    private String manualHint(Path dataDir, Path cacheDir) {
        return String.format(Locale.ROOT, "To supply CIFAR-10 by hand, download %s%s (%s) and put it into %s or %s, "
                        + "or put its extracted folder %s (%s, %s; %,d bytes each) into %s; then run again. "
                        + "Another directory can be chosen with --data-dir or the DEFENSEBENCH_DATA environment variable.",
                ARCHIVE_BASE_URL, archive.name(), archive.checksum().describe(), dataDir, cacheDir, BATCH_DIR,
                String.join(", ", TRAIN_FILES), TEST_FILE, batchFileBytes, dataDir);
    }

    @Override
    public String toString() {
        return "Cifar10Loader[" + archive.name() + "]";
    }
}
