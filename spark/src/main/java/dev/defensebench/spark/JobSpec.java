package dev.defensebench.spark;

import dev.defensebench.app.run.RunJob;
import java.io.Serializable;

/**
 * What every Spark task of one run needs to rebuild the run on its worker: the experiment file's text
 * (parsed again there), the device setting, the data directory and registry, and the shared store.
 *
 * @param runId a fresh id per run; a worker keeps the loaded data of the latest run id
 * @param experimentFile the experiment file's name, for messages
 * @param experimentText the experiment file's content
 * @param device the device setting: auto, cpu or gpu (a GPU Spark assigns to the task wins over auto)
 * @param dataDir the data directory on the worker
 * @param datasets makes the worker's data set registry
 * @param store where the cells' artifacts are shared
 */
record JobSpec(String runId, String experimentFile, String experimentText, String device, String dataDir,
        RunJob.Registry datasets, SharedStore store) implements Serializable {

    private static final long serialVersionUID = 1L;
}
