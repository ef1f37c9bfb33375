package dev.defensebench.app.cli;

import dev.defensebench.kernels.ThreadPolicy;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Runs the sections of {@code bench suite} one after the other, each as a child process with its standard
 * output and error in {@code out/NN-name.txt}: a defense-bench section in a child JVM with this JVM's java,
 * heap and system-property flags, class path and environment (so the kernel choice and thread settings the
 * launcher exported at the suite's start apply, with the section's own variables on top); a reference section
 * through {@link ReferenceSide}, in the output folder.
 */
final class SuiteRunner {

    /** What became of one section. */
    enum Status { OK, FAILED, SKIPPED }

    /**
     * @param index the section's place in the suite, from 1
     * @param section the section
     * @param status ran and exited 0, ran and failed, or not run
     * @param note for a failure the exit code and the output's last line; for a skip the reason; for a run beside
     *     busy loops what it ran beside and with which settings; else empty
     * @param seconds wall seconds it ran (0 when skipped)
     * @param output its output file, or null when skipped
     */
    record Result(int index, SuiteSection section, Status status, String note, double seconds, Path output) {
    }

    /** How many busy loops a section of the thread policy's table runs beside. */
    static final int BUSY_LOOPS = 2;

    private final Path out;
    private final Path dataDir;
    private final ReferenceSide reference;
    private final String referenceUnavailable;

    /**
     * @param out the suite's output folder
     * @param dataDir passed to every defense-bench section as {@code --data-dir}, or null for the default
     * @param reference the Python side
     * @param referenceUnavailable why no reference section can run, or null
     */
    SuiteRunner(Path out, Path dataDir, ReferenceSide reference, String referenceUnavailable) {
        this.out = out;
        this.dataDir = dataDir;
        this.reference = reference;
        this.referenceUnavailable = referenceUnavailable;
    }

    /** Runs {@code section}, or skips it with the reason, given the sections that succeeded before it. */
    Result run(int index, SuiteSection section, Set<String> succeeded) throws IOException {
        String skip = skipReason(section, succeeded);
        if (skip != null) {
            return new Result(index, section, Status.SKIPPED, skip, 0, null);
        }
        Path output = out.resolve(String.format(Locale.ROOT, "%02d-%s.txt", index, section.name()));
        ProcessBuilder pb = new ProcessBuilder(section.reference() ? reference.command(section) : javaCommand(section))
                .redirectErrorStream(true).redirectOutput(output.toFile());
        if (section.reference()) {
            reference.prepare(pb.directory(out.toFile()).environment());
        }
        pb.environment().putAll(section.env());
        if (section.busy() == SuiteSection.Busy.NO) {
            return timed(index, section, pb, output, "");
        }
        try (BusyLoops loops = new BusyLoops(BUSY_LOOPS, 1000)) {
            String note = "beside " + BUSY_LOOPS + " busy loops";
            if (section.busy() == SuiteSection.Busy.LOOPS_WITH_POLICY) {
                note += ", " + launcherPolicy(pb.environment(), Runtime.getRuntime().availableProcessors(),
                        ThreadPolicy.othersRunning(Path.of("/proc/loadavg"), Path.of("/proc/self/task"), 5, 60));
            }
            return timed(index, section, pb, output, note);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running section " + section.name(), e);
        }
    }

    /**
     * Puts into {@code env} the settings the launcher's thread policy would choose if it started now, on
     * {@code cpus} CPUs beside {@code othersRunning} running processes: the thread settings inherited from the
     * suite's own start are removed first. Returns what it chose, for the summary.
     */
    static String launcherPolicy(Map<String, String> env, int cpus, int othersRunning) {
        env.remove(ThreadPolicy.THREADS_ENV);
        env.remove(ThreadPolicy.WAIT_ENV);
        ThreadPolicy.Choice choice = ThreadPolicy.choose(env, cpus, othersRunning);
        env.putAll(choice.environment());
        return "the launcher's policy (" + othersRunning + " other processes running): "
                + (choice.environment().isEmpty() ? "PyTorch's defaults" : choice.exports());
    }

    private static Result timed(int index, SuiteSection section, ProcessBuilder pb, Path output, String note) throws IOException {
        long start = System.nanoTime();
        int code;
        try {
            code = pb.start().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running section " + section.name(), e);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return code == 0 ? new Result(index, section, Status.OK, note, seconds, output)
                : new Result(index, section, Status.FAILED, "exit " + code + ": " + lastLine(output), seconds, output);
    }

    private String skipReason(SuiteSection section, Set<String> succeeded) {
        if (section.skip() != null) {
            return section.skip();
        }
        if (section.reference() && referenceUnavailable != null) {
            return referenceUnavailable;
        }
        if (section.after() != null && !succeeded.contains(section.after())) {
            return "needs the networks of section " + section.after() + ", which did not run or failed";
        }
        return section.reference() ? reference.missing(section) : null;
    }

    /** java, this JVM's -X and -D flags, its class path, the CLI's main class, the section's arguments. */
    private List<String> javaCommand(SuiteSection section) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-X") || a.startsWith("-D")).forEach(command::add);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(section.args());
        if (dataDir != null) {
            command.addAll(List.of("--data-dir", dataDir.toString()));
        }
        return command;
    }

    /** The output's last non-blank line, at most 300 characters. */
    private static String lastLine(Path output) throws IOException {
        List<String> lines = new String(Files.readAllBytes(output), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.isBlank()).toList();
        String last = lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1).strip();
        return last.length() > 300 ? last.substring(0, 300) + "…" : last;
    }
}
