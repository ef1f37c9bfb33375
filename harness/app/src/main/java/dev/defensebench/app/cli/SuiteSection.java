package dev.defensebench.app.cli;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One command of {@code bench suite}: a defense-bench command line (run in a child JVM) or a
 * {@code docs/bench/reference_speed.py} line (run by the reference Python), the table of
 * docs/benchmarks.md its output feeds, and the environment it needs on top of the suite's.
 *
 * @param name unique, file-name safe name; its output goes to {@code NN-name.txt}
 * @param table the heading of the docs/benchmarks.md section whose table the output feeds
 * @param reference whether {@code args} are reference_speed.py's (else defense-bench's)
 * @param args the command's arguments (after {@code defense-bench}, or after the script)
 * @param env variables set for the command on top of the suite's environment
 * @param after the section whose output files this one reads (the ONNX files a bench wrote), or null
 * @param skip why the section does not run in this suite, or null when it runs
 * @param busy whether it runs beside busy-looping processes, and with which thread settings
 */
record SuiteSection(String name, String table, boolean reference, List<String> args, Map<String, String> env,
                    String after, String skip, Busy busy) {

    /** The competition a section runs beside. */
    enum Busy {
        /** Nothing the suite starts. */
        NO,
        /** Two busy-looping processes, with the section's own thread settings. */
        LOOPS,
        /** Two busy-looping processes, with the settings the launcher's thread policy chooses beside them. */
        LOOPS_WITH_POLICY
    }

    SuiteSection {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(table, "table");
        if (!name.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("section name must be lower-case letters, digits and '-', found '" + name + "'");
        }
        Objects.requireNonNull(busy, "busy");
        args = List.copyOf(args);
        env = Map.copyOf(env);
    }

    /** {@code defense-bench ARGS} with {@code env} on top of the suite's environment. */
    static SuiteSection bench(String name, String table, Map<String, String> env, List<String> args) {
        return new SuiteSection(name, table, false, args, env, null, null, Busy.NO);
    }

    /** {@code reference_speed.py ARGS} with {@code env}, reading what section {@code after} wrote. */
    static SuiteSection reference(String name, String table, String after, Map<String, String> env, List<String> args) {
        return new SuiteSection(name, table, true, args, env, after, null, Busy.NO);
    }

    /** This section, not run, with the reason. */
    SuiteSection skipped(String reason) {
        return new SuiteSection(name, table, reference, args, env, after, reason, busy);
    }

    /** This section, run beside busy-looping processes. */
    SuiteSection beside(Busy competition) {
        return new SuiteSection(name, table, reference, args, env, after, skip, competition);
    }

    /** The reference script's mode (ensemble, deepfool, pgd or step); empty for a defense-bench command. */
    String referenceMode() {
        return reference ? args.get(0) : "";
    }

    /** The command as a user would type it: the environment, then the command and its arguments. */
    String commandLine() {
        StringBuilder line = new StringBuilder(busy == Busy.NO ? "" : "(two busy loops) ");
        if (busy == Busy.LOOPS_WITH_POLICY) {
            line.append("(the launcher's policy) ");
        }
        env.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> line.append(e.getKey()).append('=').append(e.getValue()).append(' '));
        line.append(reference ? "python3 docs/bench/reference_speed.py" : "./defense-bench");
        args.forEach(a -> line.append(' ').append(a));
        return line.toString();
    }
}
