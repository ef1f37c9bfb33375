package dev.defensebench.spark;

import dev.defensebench.app.plan.Cell;
import dev.defensebench.app.run.Runner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the Spark tasks of a run keep the cells' content-addressed artifacts, laid out as a run's
 * output directory ({@link Runner#cellDirectories}). A plain path is a directory every worker sees
 * (local mode, or a shared mount): tasks work in it directly, since every file is written atomically.
 * A URI ({@code hdfs://}, {@code s3a://}, {@code file://}) is reached through Hadoop's {@link FileSystem}:
 * a task copies its cell's artifacts (and its parent's model) into a local scratch directory, runs the
 * cell there, and uploads what it wrote, each file under a temporary name renamed into place.
 *
 * @param location the directory or URI
 * @param hadoop the Hadoop settings of the driver, used to open a URI on a worker
 */
record SharedStore(String location, Map<String, String> hadoop) implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(SharedStore.class);
    private static final Pattern URI_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:/.*");

    /** The work a task does on a cell in a local directory laid out as an output directory. */
    @FunctionalInterface
    interface CellWork<T> {
        T run(Path outputDirectory) throws IOException;
    }

    /** Whether {@link #location} is a URI reached through Hadoop rather than a plain directory. */
    boolean isUri() {
        return URI_SCHEME.matcher(location).matches();
    }

    /** This store with a plain directory made absolute, since workers do not share the driver's working directory. */
    SharedStore absolute() {
        return isUri() ? this : new SharedStore(Path.of(location).toAbsolutePath().normalize().toString(), hadoop);
    }

    /** Runs {@code work} on {@code cell}'s artifacts, and leaves what it wrote in the store. */
    <T> T withCell(Cell cell, CellWork<T> work) throws IOException {
        if (!isUri()) {
            return work.run(Path.of(location));
        }
        Path scratch = Files.createTempDirectory("defense-bench-cell-");
        try {
            List<String> needed = new ArrayList<>(Runner.cellDirectories(cell));
            if (cell.upstream() != null) {
                needed.add(Runner.cellDirectories(cell.upstream()).get(0)); // the parent's (or surrogate's) weights
            }
            for (String dir : needed) {
                download(dir, scratch);
            }
            T result = work.run(scratch);
            for (String dir : Runner.cellDirectories(cell)) {
                upload(scratch, dir);
            }
            return result;
        } finally {
            deleteTree(scratch);
        }
    }

    /** Copies the artifacts of {@code cells} from the store into {@code out} (nothing to do for a plain directory that is {@code out}). */
    void downloadCells(List<Cell> cells, Path out) throws IOException {
        if (!isUri()) {
            return;
        }
        for (Cell cell : cells) {
            for (String dir : Runner.cellDirectories(cell)) {
                download(dir, out);
            }
        }
    }

    private FileSystem fileSystem() throws IOException {
        Configuration conf = new Configuration(false);
        hadoop.forEach(conf::set);
        return FileSystem.get(URI.create(location), conf);
    }

    private org.apache.hadoop.fs.Path remote(String relative) {
        return new org.apache.hadoop.fs.Path(location.endsWith("/") ? location + relative : location + "/" + relative);
    }

    /** Copies store directory {@code relative} (if it exists) into {@code localRoot/relative}. */
    private void download(String relative, Path localRoot) throws IOException {
        FileSystem fs = fileSystem();
        org.apache.hadoop.fs.Path base = remote(relative);
        if (!fs.exists(base)) {
            return;
        }
        String prefix = fs.makeQualified(base).toUri().getPath();
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(base, true);
        while (files.hasNext()) {
            LocatedFileStatus status = files.next();
            String inside = status.getPath().toUri().getPath().substring(prefix.length()).replaceFirst("^/", "");
            if (isTemporary(status.getPath().getName())) {
                continue;
            }
            Path target = localRoot.resolve(relative).resolve(inside);
            Files.createDirectories(target.getParent());
            try (InputStream in = fs.open(status.getPath())) {
                Files.copy(in, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    /** Uploads {@code localRoot/relative} into the store, each file written under a temporary name, then renamed. */
    private void upload(Path localRoot, String relative) throws IOException {
        Path from = localRoot.resolve(relative);
        if (!Files.isDirectory(from)) {
            return;
        }
        FileSystem fs = fileSystem();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(from)) {
            files = walk.filter(Files::isRegularFile).toList();
        }
        for (Path file : files) {
            String inside = from.relativize(file).toString().replace('\\', '/');
            org.apache.hadoop.fs.Path target = remote(relative + "/" + inside);
            org.apache.hadoop.fs.Path temporary = new org.apache.hadoop.fs.Path(target.getParent(),
                    "." + target.getName() + ".tmp-" + UUID.randomUUID());
            try (OutputStream out = fs.create(temporary, false)) {
                Files.copy(file, out);
            }
            if (fs.exists(target)) {
                fs.delete(target, false);
            }
            if (!fs.rename(temporary, target)) {
                fs.delete(temporary, false);
                throw new IOException("cannot move " + temporary + " to " + target + " in the shared store");
            }
        }
        LOG.debug("uploaded {} files of {} to {}", files.size(), relative, location);
    }

    private static boolean isTemporary(String name) {
        return name.startsWith(".") && name.contains(".tmp-");
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
