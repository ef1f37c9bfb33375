package dev.defensebench.data;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts verified copies of required files into a cache directory. Per file: a cached copy whose checksum
 * matches is used as it is; a corrupt or truncated one is logged and moved aside to {@code NAME.corrupt};
 * then each source is tried in order, writing to a temporary file in the cache directory that is moved
 * atomically into place only once its checksum matches. When every source fails, a
 * {@link DataUnavailableException} lists each source with its reason and says how to supply the file by hand.
 * A source that cannot be reached at all (unknown host, connection refused, timeout) is skipped for the
 * later files of the same fetcher. Not thread-safe; several processes may share one cache directory.
 */
public final class DataFetcher {

    private static final Logger LOG = LoggerFactory.getLogger(DataFetcher.class);

    private final String dataset;
    private final Path cacheDir;
    private final List<DataSource> sources;
    private final String manualHint;
    /** Sources that could not be reached at all (connection refused, unknown host, timeout), with the reason. */
    private final Map<DataSource, String> unreachable = new IdentityHashMap<>();

    /**
     * @param dataset  data set name, for messages
     * @param cacheDir where verified files are kept (created when needed)
     * @param sources  tried in order
     */
    public DataFetcher(String dataset, Path cacheDir, List<? extends DataSource> sources) {
        this(dataset, cacheDir, sources, null);
    }

    private DataFetcher(String dataset, Path cacheDir, List<? extends DataSource> sources, String manualHint) {
        this.dataset = Objects.requireNonNull(dataset, "dataset");
        this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir").toAbsolutePath().normalize();
        this.sources = List.copyOf(sources);
        this.manualHint = manualHint;
    }

    /**
     * The same fetcher with a custom "how to supply the data by hand" text for its error messages (the
     * default names the cache directory and the missing file).
     */
    public DataFetcher withManualHint(String hint) {
        return new DataFetcher(dataset, cacheDir, sources, hint);
    }

    /** The cache directory. */
    public Path cacheDir() {
        return cacheDir;
    }

    /** Fetches each file in order; returns their verified paths in the cache directory. */
    public List<Path> fetchAll(List<RequiredFile> files) throws IOException {
        List<Path> out = new ArrayList<>(files.size());
        java.util.Set<String> from = new java.util.LinkedHashSet<>();
        int fetched = 0;
        for (RequiredFile f : files) {
            Fetched result = fetch(f, files);
            out.add(result.path());
            if (result.source() != null) {
                fetched++;
                from.add(result.source());
            }
        }
        if (fetched > 0) {
            LOG.info("{}: fetched {} file{} from {}, verified ({}), stored in {}", dataset, fetched, fetched == 1 ? "" : "s",
                    String.join(" and ", from), files.get(0).checksum().algorithm().displayName(), cacheDir);
        }
        return out;
    }

    /** A verified file in the cache and the source that supplied it now (null: it was cached already). */
    private record Fetched(Path path, String source) {}

    /** Fetches one file; returns its verified path in the cache directory. */
    public Path fetch(RequiredFile file) throws IOException {
        return fetchAll(List.of(file)).get(0);
    }

    private Fetched fetch(RequiredFile file, List<RequiredFile> all) throws IOException {
        Checksum expected = file.checksum();
        Path dest = cacheDir.resolve(file.name());
        if (Files.isRegularFile(dest)) {
            String actual = expected.compute(dest);
            if (actual.equals(expected.hex())) {
                LOG.debug("{}: using cached {} ({} verified)", dataset, dest, expected.algorithm().displayName());
                return new Fetched(dest, null);
            }
            Path aside = cacheDir.resolve(file.name() + ".corrupt");
            LOG.warn("{}: cached file {} is corrupt or truncated ({} bytes, {} {}, expected {}); moving it to {} and "
                            + "fetching it again", dataset, dest, Files.size(dest), expected.algorithm().displayName(),
                    actual, expected.hex(), aside.getFileName());
            Files.move(dest, aside, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.createDirectories(cacheDir);
        List<String> failures = new ArrayList<>();
        for (DataSource source : sources) {
            String earlier = unreachable.get(source);
            if (earlier != null) {
                failures.add(source.describe() + ": skipped, unreachable for an earlier file (" + earlier + ")");
                continue;
            }
            Path tmp = Files.createTempFile(cacheDir, "." + file.name() + ".", ".part");
            try {
                LOG.debug("{}: trying {} for {}", dataset, source.describe(), file.name());
                source.fetch(file.name(), tmp);
                String actual = expected.compute(tmp);
                if (!actual.equals(expected.hex())) {
                    String reason = "delivered " + Files.size(tmp) + " bytes with " + expected.algorithm().displayName()
                            + " " + actual + ", expected " + expected.hex();
                    LOG.warn("{}: {} {}", dataset, source.describe(), reason);
                    failures.add(source.describe() + ": " + reason);
                    continue;
                }
                moveIntoPlace(tmp, dest);
                LOG.debug("{}: {} from {} verified ({}), stored as {}", dataset, file.name(), source.describe(),
                        expected.algorithm().displayName(), dest);
                return new Fetched(dest, source.describe());
            } catch (InterruptedIOException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                String reason = reason(e);
                if (isUnreachable(e)) {
                    unreachable.put(source, reason);
                }
                if (e instanceof NoSuchFileException) {
                    LOG.debug("{}: {} cannot supply {}: {}", dataset, source.describe(), file.name(), reason);
                } else {
                    // only debug: the next source usually supplies the file, and the error names every failure
                    LOG.debug("{}: {} cannot supply {}: {}", dataset, source.describe(), file.name(), reason);
                }
                failures.add(source.describe() + ": " + reason);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        throw new DataUnavailableException(message(file, all, failures), failures);
    }

    private static void moveIntoPlace(Path tmp, Path dest) throws IOException {
        try {
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, dest, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private String message(RequiredFile file, List<RequiredFile> all, List<String> failures) {
        StringBuilder sb = new StringBuilder();
        sb.append("Could not obtain the ").append(dataset).append(" file '").append(file.name()).append("' (")
                .append(file.checksum().describe()).append(").");
        if (failures.isEmpty()) {
            sb.append(" No sources are configured.");
        } else {
            sb.append(" Every source failed:");
            for (int i = 0; i < failures.size(); i++) {
                sb.append("\n  ").append(i + 1).append(". ").append(failures.get(i));
            }
        }
        sb.append("\n");
        if (manualHint != null) {
            sb.append(manualHint);
        } else {
            sb.append("To supply the data by hand, put ")
                    .append(all.size() == 1 ? "this file" : "these files")
                    .append(" (raw, or gzipped with a .gz suffix) into ").append(cacheDir).append(": ")
                    .append(all.stream().map(RequiredFile::name).collect(Collectors.joining(", ")))
                    .append(", then run again.");
        }
        return sb.toString();
    }

    /** Whether the failure means the source cannot be reached at all, so later files need not try it. */
    static boolean isUnreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof HttpTimeoutException || t instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    /** A short reason: the exception's class and message, and its root cause when that says more. */
    static String reason(Throwable e) {
        StringBuilder sb = new StringBuilder(describe(e));
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e) {
            String r = describe(root);
            if (!sb.toString().contains(r)) {
                sb.append(" (caused by ").append(r).append(")");
            }
        }
        return sb.toString();
    }

    private static String describe(Throwable e) {
        String msg = e.getMessage();
        if (e instanceof NoSuchFileException nsf && nsf.getReason() != null) {
            return "not found: " + nsf.getFile() + " (" + nsf.getReason() + ")";
        }
        if (e instanceof UnresolvedAddressException || e instanceof UnknownHostException) {
            return e.getClass().getSimpleName() + " (host name not found: no DNS or no network?)";
        }
        return msg == null || msg.isBlank() ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + msg;
    }
}
