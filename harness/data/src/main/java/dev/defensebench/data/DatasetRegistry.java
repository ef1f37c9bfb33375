package dev.defensebench.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data sets the benchmark knows, by name ({@code mnist}, {@code cifar10}, {@code cifar100}), and where
 * their files live.
 * Immutable; {@link #with} returns a copy with one more (or one replaced) loader.
 */
public final class DatasetRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(DatasetRegistry.class);

    /** Environment variable naming the data directory. */
    public static final String DATA_DIR_ENV = "DEFENSEBENCH_DATA";

    private final Map<String, DatasetLoader> loaders;

    private DatasetRegistry(Map<String, DatasetLoader> loaders) {
        this.loaders = Collections.unmodifiableMap(new TreeMap<>(loaders));
    }

    /** {@code mnist}, {@code cifar10} and {@code cifar100} with their standard sources. */
    public static DatasetRegistry standard() {
        return of(List.of(MnistLoader.standard(), CifarLoader.standard(CifarFormat.CIFAR10),
                CifarLoader.standard(CifarFormat.CIFAR100)));
    }

    /**
     * {@code mnist} and {@code cifar10} with custom sources (e.g. fakes in tests), {@code cifar100} with its
     * standard ones; each function receives the data directory and returns a fresh list of sources, tried in
     * order.
     */
    public static DatasetRegistry withSources(Function<Path, List<DataSource>> mnistSources,
                                              Function<Path, List<DataSource>> cifar10Sources) {
        return of(List.of(MnistLoader.withSources(mnistSources), new CifarLoader(CifarFormat.CIFAR10, cifar10Sources),
                CifarLoader.standard(CifarFormat.CIFAR100)));
    }

    /** A registry of exactly these loaders (names must be distinct). */
    public static DatasetRegistry of(Collection<? extends DatasetLoader> loaders) {
        Map<String, DatasetLoader> map = new TreeMap<>();
        for (DatasetLoader l : loaders) {
            String key = key(l.name());
            if (map.putIfAbsent(key, l) != null) {
                throw new IllegalArgumentException("two data set loaders are named '" + key + "'");
            }
        }
        return new DatasetRegistry(map);
    }

    /** A copy with {@code loader} added, replacing any loader of the same name. */
    public DatasetRegistry with(DatasetLoader loader) {
        Map<String, DatasetLoader> map = new TreeMap<>(loaders);
        map.put(key(loader.name()), loader);
        return new DatasetRegistry(map);
    }

    /** The registered names, sorted. */
    public Set<String> names() {
        return loaders.keySet();
    }

    /** The loader of a name (case-insensitive). */
    public DatasetLoader loader(String name) {
        DatasetLoader l = name == null ? null : loaders.get(key(name));
        if (l == null) {
            throw new IllegalArgumentException("unknown data set '" + name + "': known data sets are "
                    + String.join(", ", names()));
        }
        return l;
    }

    /**
     * Loads a data set, fetching and verifying its files when needed.
     *
     * @param name    a registered name (case-insensitive)
     * @param dataDir the data directory, or {@code null} for {@link #defaultDataDir(Path) the default}
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     * @throws IOException              when the files cannot be obtained ({@link DataUnavailableException}) or
     *                                  are malformed ({@link DatasetFormatException})
     */
    public LoadedDataset load(String name, Path dataDir) throws IOException {
        DatasetLoader loader = loader(name);
        Path dir = defaultDataDir(dataDir);
        LOG.debug("Loading data set {} (data directory {})", loader.name(), dir);
        return loader.load(dir);
    }

    /**
     * The data directory: {@code override} if non-null, else the {@value #DATA_DIR_ENV} environment
     * variable if set and not blank, else {@code ~/.defense-bench/data}.
     */
    public static Path defaultDataDir(Path override) {
        return defaultDataDir(override, System::getenv, System.getProperty("user.home"));
    }

    static Path defaultDataDir(Path override, Function<String, String> env, String userHome) {
        if (override != null) {
            return override.toAbsolutePath().normalize();
        }
        String fromEnv = env.apply(DATA_DIR_ENV);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Path.of(fromEnv.strip()).toAbsolutePath().normalize();
        }
        return Path.of(Objects.requireNonNull(userHome, "user.home is not set"), ".defense-bench", "data");
    }

    private static String key(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "DatasetRegistry" + names();
    }
}
