package dev.defensebench.app.cli;

import dev.defensebench.data.DatasetRegistry;
import dev.defensebench.files.AtomicFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code defense-bench bench suite}: regenerates the figures of docs/benchmarks.md in one run. It runs every
 * command of {@link SuitePlan} (each defense-bench command whose numbers a table shows, and the
 * reference_speed.py lines that time the original code on the same weights when the reference Python is here,
 * else says why not), writes each command's output to a file in {@code --out}, and prints a summary
 * ({@link SuiteSummary}, also {@code summary.md}) with the date, CPU model, load average at start and end and
 * commit. Exit code 0 when no section failed, 1 when one did.
 */
@Command(name = "suite", mixinStandardHelpOptions = true,
        description = "Run every command whose figures docs/benchmarks.md shows, one after the other; outputs and a summary in --out.")
final class BenchSuiteCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "a new or empty folder for the outputs and summary.md")
    Path out;

    @Option(names = "--quick", description = "tiny step, image and round counts and the one-thread rows only: checks that "
            + "the suite works (figures not to quote)")
    boolean quick;

    @Option(names = "--only", split = ",", paramLabel = "SECTION", description = "run only these sections (the others are "
            + "listed as skipped)")
    List<String> only;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "data directory of every section (see 'run')")
    Path dataDir;

    @Option(names = "--python", defaultValue = "/usr/bin/python3", description = "the reference side's Python with "
            + "torch and onnx (default: ${DEFAULT-VALUE})")
    Path python;

    @Option(names = "--reference-script", defaultValue = "docs/bench/reference_speed.py", description = "(default: ${DEFAULT-VALUE})")
    Path script;

    @Option(names = "--openblas", defaultValue = "/tmp/openblas/usr/lib/x86_64-linux-gnu/openblas-openmp",
            description = "OpenBLAS for the reference side, first on LD_LIBRARY_PATH (default: ${DEFAULT-VALUE})")
    Path openblas;

    @Option(names = "--autoattack", defaultValue = "/tmp/auto-attack", description = "a checkout of fra31/auto-attack (default: ${DEFAULT-VALUE})")
    Path autoattack;

    @Option(names = "--deepdefense", defaultValue = "/tmp/deepdefense",
            description = "a checkout of ZiangYan/deepdefense.pytorch (default: ${DEFAULT-VALUE})")
    Path deepdefense;

    @Override
    public Integer call() throws IOException {
        Path folder = out.toAbsolutePath().normalize();
        List<SuiteSection> sections = selected(new SuitePlan(quick, folder).sections());
        prepare(folder);
        ReferenceSide reference = new ReferenceSide(python, script, openblas, autoattack, deepdefense,
                DatasetRegistry.defaultDataDir(dataDir).resolve("mnist"));
        String[] torch = new String[1];
        String unavailable = reference.unavailable(folder, torch);
        SuiteSummary summary = SuiteSummary.begin(quick, unavailable != null ? "skipped: " + unavailable
                : python + " with torch " + torch[0] + ", LD_LIBRARY_PATH " + openblas);
        SuiteRunner runner = new SuiteRunner(folder, dataDir, reference, unavailable);
        PrintWriter err = spec.commandLine().getErr();
        List<SuiteRunner.Result> results = new ArrayList<>();
        Set<String> succeeded = new HashSet<>();
        for (SuiteSection section : sections) {
            err.printf(Locale.ROOT, "bench suite: [%d/%d] %s%n", results.size() + 1, sections.size(), section.name());
            err.flush();
            SuiteRunner.Result r = runner.run(results.size() + 1, section, succeeded);
            err.printf(Locale.ROOT, "bench suite: [%d/%d] %s: %s%n", r.index(), sections.size(), section.name(),
                    r.status() == SuiteRunner.Status.OK ? String.format(Locale.ROOT, "ran in %.1f s %s", r.seconds(), r.note()).strip()
                            : r.status().name().toLowerCase(Locale.ROOT) + ": " + r.note());
            results.add(r);
            if (r.status() == SuiteRunner.Status.OK) {
                succeeded.add(section.name());
            }
        }
        String text = summary.render(results);
        AtomicFiles.write(folder.resolve("summary.md"), text.getBytes(StandardCharsets.UTF_8));
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.print(text);
        stdout.flush();
        return results.stream().anyMatch(r -> r.status() == SuiteRunner.Status.FAILED) ? 1 : 0;
    }

    /** The plan with the sections {@code --only} leaves out marked skipped; an unknown name is a usage error. */
    private List<SuiteSection> selected(List<SuiteSection> plan) {
        if (only == null) {
            return plan;
        }
        Set<String> names = new LinkedHashSet<>();
        plan.forEach(s -> names.add(s.name()));
        only.stream().filter(n -> !names.contains(n)).findFirst().ifPresent(n -> {
            throw new CommandLine.ParameterException(spec.commandLine(), "--only: unknown section '" + n + "'; the sections: "
                    + String.join(", ", names));
        });
        return plan.stream().map(s -> only.contains(s.name()) || s.skip() != null ? s : s.skipped("not in --only")).toList();
    }

    /** Creates the output folder, refusing one that holds files (a suite's outputs are never mixed with older ones). */
    private void prepare(Path folder) throws IOException {
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out " + out + " is a file, not a folder");
        }
        if (Files.isDirectory(folder)) {
            try (Stream<Path> entries = Files.list(folder)) {
                if (entries.findAny().isPresent()) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "--out " + out
                            + " is not empty; give a new folder, so that outputs of two suites are never mixed");
                }
            }
        }
        Files.createDirectories(folder);
    }
}
