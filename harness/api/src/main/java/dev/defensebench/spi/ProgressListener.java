package dev.defensebench.spi;

/** Receives progress of long work (training epochs, attack batches). */
public interface ProgressListener {

    /** A listener that ignores everything (tests, quiet runs). */
    ProgressListener SILENT = new ProgressListener() {
        @Override
        public void start(String task, long total) {}

        @Override
        public void advance(long steps, String status) {}

        @Override
        public void finish(String summary) {}
    };

    /** A task with {@code total} steps begins. */
    void start(String task, long total);

    /** {@code steps} more steps are done; {@code status} is a short line such as "loss=0.12 acc=97%". */
    void advance(long steps, String status);

    /** The task ended; {@code summary} is logged (nothing is logged for an empty summary). */
    void finish(String summary);

    /**
     * This listener with {@code prefix} (for example the entry "vanilla/mlp/s0") put before every task
     * and summary, so that two entries with the same defense are told apart in the log.
     */
    default ProgressListener prefixed(String prefix) {
        ProgressListener inner = this;
        return new ProgressListener() {
            @Override
            public void start(String task, long total) {
                inner.start(prefix + " " + task, total);
            }

            @Override
            public void advance(long steps, String status) {
                inner.advance(steps, status);
            }

            @Override
            public void finish(String summary) {
                inner.finish(summary.isEmpty() ? summary : prefix + " " + summary);
            }
        };
    }
}
