package dev.defensebench.kernels;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.stream.Stream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The native thread settings of a run on a machine that other processes may share. PyTorch's OpenMP
 * threads spin while they wait and assume a core each: beside other busy processes a step then waits
 * for threads that are not running, and slows down several-fold where one thread fewer would not. So at
 * start the launcher counts the processes already running on the CPUs this process may use; when fewer
 * CPUs are free than it has, the run takes one intra-op thread per free CPU (at least one) and a passive
 * OpenMP wait policy, and says so in one line. A quiet machine keeps PyTorch's defaults. The user's own
 * {@code OMP_NUM_THREADS} and {@code OMP_WAIT_POLICY} always win.
 */
public final class ThreadPolicy {

    /** The variable that sets PyTorch's intra-op threads (read when the engine starts). */
    public static final String THREADS_ENV = "OMP_NUM_THREADS";
    /** The variable that sets how OpenMP threads wait: ACTIVE spins, PASSIVE sleeps. */
    public static final String WAIT_ENV = "OMP_WAIT_POLICY";

    private ThreadPolicy() {}

    /**
     * What to set and why.
     *
     * @param environment the variables to export (empty: keep the defaults)
     * @param note one line for the console; empty when there is nothing to say
     */
    public record Choice(Map<String, String> environment, String note) {

        /** The settings as the launcher reads them: {@code NAME=value} separated by spaces. */
        public String exports() {
            List<String> parts = new ArrayList<>();
            environment.forEach((k, v) -> parts.add(k + "=" + v));
            return String.join(" ", parts);
        }
    }

    /**
     * The choice for a process that may use {@code cpus} CPUs while {@code othersRunning} other processes
     * are running or waiting for a CPU, given the user's environment {@code env}.
     */
    public static Choice choose(Map<String, String> env, int cpus, int othersRunning) {
        if (cpus < 1 || othersRunning < 0) {
            throw new IllegalArgumentException("cpus must be >= 1 and other processes >= 0, found " + cpus + " and "
                    + othersRunning);
        }
        int free = Math.max(1, cpus - othersRunning);
        if (free >= cpus) {
            return new Choice(Map.of(), "");
        }
        boolean userThreads = env.containsKey(THREADS_ENV);
        boolean userWait = env.containsKey(WAIT_ENV);
        String busy = String.format(Locale.ROOT, "the machine is busy (%d other process%s running on the %d CPU%s this run"
                + " may use)", othersRunning, othersRunning == 1 ? "" : "es", cpus, cpus == 1 ? "" : "s");
        if (userThreads && userWait) {
            return new Choice(Map.of(), "defense-bench: " + busy + "; keeping your " + THREADS_ENV + "="
                    + env.get(THREADS_ENV) + " and " + WAIT_ENV + "=" + env.get(WAIT_ENV));
        }
        Map<String, String> set = new LinkedHashMap<>();
        if (!userThreads) {
            set.put(THREADS_ENV, Integer.toString(free));
        }
        if (!userWait) {
            set.put(WAIT_ENV, "PASSIVE");
        }
        List<String> said = new ArrayList<>();
        set.forEach((k, v) -> said.add(k + "=" + v));
        if (userThreads) {
            said.add("your " + THREADS_ENV + "=" + env.get(THREADS_ENV));
        }
        if (userWait) {
            said.add("your " + WAIT_ENV + "=" + env.get(WAIT_ENV));
        }
        return new Choice(set, "defense-bench: " + busy + ": " + String.join(", ", said)
                + ", so that it slows down gracefully (set " + THREADS_ENV + " to choose yourself)");
    }

    /**
     * How many other processes are running or runnable now: the median over {@code samples} readings of
     * {@code loadavg} (the format of {@code /proc/loadavg}, whose fourth field is "running/total") of the
     * running count, less this process's own running threads (the {@code R} entries of {@code tasks}, the
     * format of {@code /proc/self/task}, at least 1): the running count counts threads, and a starting JVM's
     * compiler and collector threads are running too. 0 when the file cannot be read (not Linux).
     */
    public static int othersRunning(Path loadavg, Path tasks, int samples, long pauseMillis)
            throws InterruptedException {
        int[] counts = new int[samples];
        for (int i = 0; i < samples; i++) {
            if (i > 0) {
                Thread.sleep(pauseMillis);
            }
            try {
                counts[i] = Math.max(0, running(Files.readString(loadavg)) - ownRunning(tasks));
            } catch (IOException | RuntimeException e) {
                return 0;
            }
        }
        Arrays.sort(counts);
        return counts[samples / 2];
    }

    /** This process's threads in state R under {@code tasks} (each {@code N/stat}), at least 1: the reader. */
    static int ownRunning(Path tasks) {
        int running = 0;
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                try {
                    String stat = Files.readString(thread.resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    if (close >= 0 && stat.length() > close + 2 && stat.charAt(close + 2) == 'R') {
                        running++;
                    }
                } catch (IOException e) {
                    // the thread ended between the listing and the read
                }
            }
        } catch (IOException e) {
            return 1;
        }
        return Math.max(1, running);
    }

    /** The running count of one {@code /proc/loadavg} line, e.g. 3 of "1.20 0.80 0.50 3/412 9931". */
    static int running(String line) {
        String[] fields = line.trim().split("\\s+");
        if (fields.length < 4 || !fields[3].contains("/")) {
            throw new IllegalArgumentException("not a /proc/loadavg line: '" + line.trim() + "'");
        }
        return Integer.parseInt(fields[3].substring(0, fields[3].indexOf('/')));
    }

    /** The choice for this process on this machine now. */
    public static Choice current() throws InterruptedException {
        return choose(System.getenv(), Runtime.getRuntime().availableProcessors(),
                othersRunning(Path.of("/proc/loadavg"), Path.of("/proc/self/task"), 5, 60));
    }
}
