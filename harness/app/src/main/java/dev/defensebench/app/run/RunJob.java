package dev.defensebench.app.run;

import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.plan.Shard;
import dev.defensebench.data.DatasetRegistry;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * One {@code defense-bench run}, as handed to a {@link RunEngine}. It carries the experiment's source
 * text as well as the parsed experiment, so that a remote worker parses the very same file.
 *
 * @param experimentFile the experiment file's name, for messages
 * @param experimentText the experiment file's content
 * @param experiment the parsed experiment
 * @param out the output directory
 * @param device the device setting: auto, cpu or gpu
 * @param shard the part of the plan to run
 * @param dataDir where data sets are looked for and cached
 * @param datasets makes the data set registry (a worker makes its own)
 * @param shared where cells' artifacts are shared between workers (a path or a Hadoop FileSystem URI), or
 *     null for {@code out}; only engines that run cells elsewhere use it
 */
public record RunJob(String experimentFile, String experimentText, Experiment experiment, Path out, String device,
        Shard shard, Path dataDir, Registry datasets, String shared) {

    /** Makes a {@link DatasetRegistry}; serializable so that it can travel to remote workers. */
    @FunctionalInterface
    public interface Registry extends Supplier<DatasetRegistry>, Serializable {}
}
