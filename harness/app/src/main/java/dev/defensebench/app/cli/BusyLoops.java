package dev.defensebench.app.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Processes that keep CPUs busy while a {@code bench suite} section runs beside them, as other jobs on a shared
 * machine do: each is {@code sh -c 'while :; do :; done'}. Closing ends exactly the processes it started.
 */
final class BusyLoops implements AutoCloseable {

    private final List<Process> loops = new ArrayList<>();

    /** Starts {@code count} busy loops and gives them {@code settleMillis} to be running. */
    BusyLoops(int count, long settleMillis) throws IOException {
        try {
            for (int i = 0; i < count; i++) {
                loops.add(new ProcessBuilder("sh", "-c", "while :; do :; done").redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            Thread.sleep(settleMillis);
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting busy loops", e);
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    /** Whether every loop is still running. */
    boolean running() {
        return !loops.isEmpty() && loops.stream().allMatch(Process::isAlive);
    }

    /** The loops' process ids. */
    List<Long> pids() {
        return loops.stream().map(Process::pid).toList();
    }

    /** Ends the loops and waits until they are gone. */
    @Override
    public void close() {
        for (Process p : loops) {
            p.destroyForcibly();
        }
        for (Process p : loops) {
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
