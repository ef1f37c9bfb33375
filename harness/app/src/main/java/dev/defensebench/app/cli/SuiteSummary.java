package dev.defensebench.app.cli;

import dev.defensebench.app.run.Versions;
import dev.defensebench.app.timing.MachineInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The summary {@code bench suite} prints and writes to {@code summary.md}: what docs/benchmarks.md asks of every
 * table (date, CPU model from /proc/cpuinfo, load average at the start and at the end, commit, the thread and
 * kernel settings in force, the reference side), then one row per section with its command, whether it ran,
 * failed (with the exit code and the last line it printed) or was skipped (with why), its seconds and its
 * output file.
 *
 * @param quick whether the suite ran with tiny counts
 * @param start when the suite started
 * @param loadStart the load average when it started
 * @param cpu the CPU model and the processors this JVM sees
 * @param commit the git commit of the working directory, marked when it has uncommitted changes
 * @param reference the reference side: the interpreter and torch version, or why it does not run
 */
record SuiteSummary(boolean quick, Instant start, String loadStart, String cpu, String commit, String reference) {

    /** The variables that decide the kernels and threads, as the suite's sections inherit them. */
    static final List<String> SETTINGS = List.of("OMP_NUM_THREADS", "OMP_WAIT_POLICY", "DNNL_MAX_CPU_ISA",
            "ONEDNN_PRIMITIVE_CACHE_CAPACITY", "LD_PRELOAD", "MALLOC_CONF");

    /** The facts at the start of a suite. */
    static SuiteSummary begin(boolean quick, String reference) {
        return new SuiteSummary(quick, Instant.now().truncatedTo(ChronoUnit.SECONDS), loadAverage(),
                MachineInfo.cpuModel() + " (" + Runtime.getRuntime().availableProcessors() + " processors)", gitCommit(), reference);
    }

    /** The summary in Markdown, with the end's date and load average. */
    String render(List<SuiteRunner.Result> results) {
        StringBuilder s = new StringBuilder();
        s.append("# defense-bench bench suite").append(quick ? " --quick (tiny counts: not figures to quote)" : "").append("\n\n");
        line(s, "date", start + " to " + Instant.now().truncatedTo(ChronoUnit.SECONDS));
        line(s, "CPU", cpu);
        line(s, "load average at start", loadStart);
        line(s, "load average at end", loadAverage());
        line(s, "commit", commit);
        line(s, "settings", SETTINGS.stream().map(k -> k + "=" + valueOf(k)).collect(Collectors.joining(", ")));
        line(s, "reference side", reference);
        long ok = count(results, SuiteRunner.Status.OK);
        long failed = count(results, SuiteRunner.Status.FAILED);
        line(s, "sections", String.format(Locale.ROOT, "%d: %d ran, %d failed, %d skipped", results.size(), ok, failed,
                results.size() - ok - failed));
        s.append("\n| # | section | table in docs/benchmarks.md | command | result | seconds | output |\n");
        s.append("|---|---|---|---|---|---|---|\n");
        for (SuiteRunner.Result r : results) {
            String result = r.status() == SuiteRunner.Status.OK ? (r.note().isEmpty() ? "ran" : "ran " + r.note())
                    : r.status().name().toLowerCase(Locale.ROOT) + ": " + r.note();
            s.append(Stream.of(Integer.toString(r.index()), r.section().name(), r.section().table(),
                    "`" + r.section().commandLine() + "`", result,
                    r.status() == SuiteRunner.Status.SKIPPED ? "" : String.format(Locale.ROOT, "%.1f", r.seconds()),
                    r.output() == null ? "" : r.output().getFileName().toString())
                    .map(c -> c.replace("|", "\\|")).collect(Collectors.joining(" | ", "| ", " |\n")));
        }
        return s.toString();
    }

    private static long count(List<SuiteRunner.Result> results, SuiteRunner.Status status) {
        return results.stream().filter(r -> r.status() == status).count();
    }

    private static void line(StringBuilder s, String key, String value) {
        s.append("- ").append(key).append(": ").append(value).append('\n');
    }

    private static String valueOf(String variable) {
        String v = System.getenv(variable);
        return v == null || v.isBlank() ? "(unset)" : v;
    }

    /** The 1-, 5- and 15-minute load averages from /proc/loadavg. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).strip().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2] + " (1, 5, 15 min)";
        } catch (IOException | ArrayIndexOutOfBoundsException e) {
            return "unavailable (no /proc/loadavg)";
        }
    }

    /** The working directory's commit, with "+ uncommitted changes" when tracked files differ from it. */
    private static String gitCommit() {
        String commit = Versions.code().get("git_commit");
        if (commit.equals("unknown")) {
            return "unknown (not run from a git checkout)";
        }
        try {
            Process p = new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=no").redirectErrorStream(true).start();
            String changes = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            boolean done = p.waitFor(10, TimeUnit.SECONDS);
            return done && p.exitValue() == 0 && !changes.isEmpty() ? commit + " + uncommitted changes" : commit;
        } catch (IOException e) {
            return commit;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return commit;
        }
    }
}
