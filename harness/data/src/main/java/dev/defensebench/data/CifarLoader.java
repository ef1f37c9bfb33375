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
 * CIFAR-10 or CIFAR-100 ({@link CifarFormat}: 50,000 train and 10,000 test 3×32×32 colour images) in the
 * binary format. Uses an already extracted batch folder ({@code cifar-10-batches-bin} or
 * {@code cifar-100-binary}, in {@code dataDir/<name>/} or {@code dataDir/}) when all its batch files have
 * the right size; otherwise fetches the archive, verified by the MD5 its authors publish, and extracts it
 * with {@link SafeTar} into {@code dataDir/<name>/}.
 */
public final class CifarLoader implements DatasetLoader {

    private static final Logger LOG = LoggerFactory.getLogger(CifarLoader.class);

    private final CifarFormat format;
    private final Function<Path, List<DataSource>> sources;

    /**
     * @param format  the distribution, its archive and the expected record counts
     * @param sources given the data directory, the sources of the archive, tried in order (a fresh list per
     *                load; they are closed afterwards)
     */
    public CifarLoader(CifarFormat format, Function<Path, List<DataSource>> sources) {
        this.format = Objects.requireNonNull(format, "format");
        if (format.recordsPerTrainFile() <= 0 || format.testRecords() <= 0) {
            throw new IllegalArgumentException(format.title() + ": record counts must be positive, found "
                    + format.recordsPerTrainFile() + " and " + format.testRecords());
        }
        this.sources = Objects.requireNonNull(sources, "sources");
    }

    /** The real archive of {@code format} from the standard sources. */
    public static CifarLoader standard(CifarFormat format) {
        return new CifarLoader(format, dir -> standardSources(format, dir));
    }

    /** Data directory ({@code dataDir/<name>}, then {@code dataDir}), then the authors' site. */
    public static List<DataSource> standardSources(CifarFormat format, Path dataDir) {
        return List.of(new LocalDirectorySource(dataDir.resolve(format.name())), new LocalDirectorySource(dataDir),
                HttpMirrorSource.plain(CifarFormat.ARCHIVE_BASE_URL));
    }

    @Override
    public String name() {
        return format.name();
    }

    @Override
    public int numClasses() {
        return format.numClasses();
    }

    @Override
    public LoadedDataset load(Path dataDir) throws IOException {
        Path dir = dataDir.toAbsolutePath().normalize();
        Path cacheDir = dir.resolve(format.name());
        Path batches = null;
        for (Path candidate : List.of(cacheDir.resolve(format.batchDir()), dir.resolve(format.batchDir()))) {
            if (Files.isDirectory(candidate)) {
                String problem = problem(candidate);
                if (problem == null) {
                    batches = candidate;
                    break;
                }
                LOG.warn("{}: ignoring {}: {}", format.name(), candidate, problem);
            }
        }
        if (batches == null) {
            batches = fetchAndExtract(dir, cacheDir);
        }
        List<Path> trainFiles = new ArrayList<>();
        List<String> identity = new ArrayList<>();
        for (String f : format.trainFiles()) {
            trainFiles.add(batches.resolve(f));
        }
        for (String f : format.allFiles()) {
            identity.add(f);
            identity.add(Checksum.sha256Of(batches.resolve(f)));
        }
        ImageSplit train = CifarBinaryReader.read(trainFiles, format);
        ImageSplit test = CifarBinaryReader.read(List.of(batches.resolve(format.testFile())), format);
        LOG.info("{}: {} train and {} test images from {}", format.name(), train.count(), test.count(), batches);
        return new LoadedDataset(format.name(), numClasses(), train, test, Checksum.identity(identity));
    }

    private Path fetchAndExtract(Path dataDir, Path cacheDir) throws IOException {
        List<DataSource> list = sources.apply(dataDir);
        Path archivePath;
        try {
            archivePath = new DataFetcher(format.name(), cacheDir, list).withManualHint(manualHint(dataDir, cacheDir))
                    .fetch(format.archive());
        } finally {
            Sources.closeAll(list);
        }
        Path tmp = Files.createTempDirectory(cacheDir, ".extract-");
        try {
            LOG.info("{}: extracting {}", format.name(), archivePath);
            SafeTar.extract(archivePath, tmp);
            Path extracted = tmp.resolve(format.batchDir());
            String problem = Files.isDirectory(extracted) ? problem(extracted)
                    : "the archive has no " + format.batchDir() + "/ directory";
            if (problem != null) {
                throw new DatasetFormatException(archivePath, "verified by checksum, but its content is not as "
                        + "expected: " + problem);
            }
            Path dest = cacheDir.resolve(format.batchDir());
            if (Files.exists(dest)) {
                Path aside = cacheDir.resolve(format.batchDir() + ".corrupt");
                Sources.deleteRecursively(aside);
                Files.move(dest, aside);
                LOG.warn("{}: moved the previous, incomplete {} to {}", format.name(), dest, aside);
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
        for (String f : format.allFiles()) {
            Path p = batchDir.resolve(f);
            if (!Files.isRegularFile(p)) {
                wrong.add(f + " is missing");
            } else if (Files.size(p) != format.expectedBytes(f)) {
                wrong.add(String.format(Locale.ROOT, "%s has %,d bytes, expected %,d", f, Files.size(p),
                        format.expectedBytes(f)));
            }
        }
        return wrong.isEmpty() ? null : String.join("; ", wrong);
    }

    private String manualHint(Path dataDir, Path cacheDir) {
        List<String> sizes = new ArrayList<>();
        for (String f : format.allFiles()) {
            sizes.add(String.format(Locale.ROOT, "%s %,d bytes", f, format.expectedBytes(f)));
        }
        return String.format(Locale.ROOT, "To supply %s by hand, download %s%s (%s) and put it into %s or %s, "
                        + "or put its extracted folder %s (%s) into %s; then run again. "
                        + "Another directory can be chosen with --data-dir or the DEFENSEBENCH_DATA environment variable.",
                format.title(), CifarFormat.ARCHIVE_BASE_URL, format.archive().name(), format.archive().checksum().describe(),
                dataDir, cacheDir, format.batchDir(), String.join(", ", sizes), dataDir);
    }

    @Override
    public String toString() {
        return "CifarLoader[" + format.archive().name() + "]";
    }
}
