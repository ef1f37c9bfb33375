package dev.defensebench.spark;

import org.apache.spark.api.java.function.Function;

/**
 * The Spark task of one cell: given the cell's hash, runs it on this worker ({@link WorkerRuns}) and
 * returns its {@link dev.defensebench.app.run.CellOutcome} as JSON. Running a cell again is harmless
 * (finished artifacts are reused), so Spark may retry a failed task.
 */
final class CellTask implements Function<String, String> {

    private static final long serialVersionUID = 1L;

    private final JobSpec spec;

    CellTask(JobSpec spec) {
        this.spec = spec;
    }

    @Override
    public String call(String cellHash) throws Exception {
        return WorkerRuns.run(spec, cellHash).toJson();
    }
}
