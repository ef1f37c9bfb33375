package dev.defensebench.app.run;

import dev.defensebench.report.OutputLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The {@code --out} of a merge, checked before anything is written: a merge replaces {@code results.csv},
 * {@code failures.json} and the site there, so it goes only into a new or empty directory, or one that
 * holds an earlier merge of the same run (same experiment and content); anything else needs {@code --force}.
 */
final class MergeTarget {

    private MergeTarget() {}

    /** Refuses {@code out} unless the merge of a run of {@code shards}' experiment may write there. */
    static void check(Path out, RunManifest shards, boolean force) throws IOException {
        if (!Files.exists(out)) {
            return;
        }
        if (!Files.isDirectory(out)) {
            throw new IllegalArgumentException("--out " + out + ": exists and is not a directory");
        }
        if (force) {
            return;
        }
        if (Files.isRegularFile(out.resolve(OutputLayout.MANIFEST))) {
            RunManifest there = RunManifest.read(out);
            if (there.experiment().equals(shards.experiment()) && there.experimentSha256().equals(shards.experimentSha256())) {
                return; // an earlier merge (or run) of the same experiment: its files agree or the merge stops
            }
            throw new IllegalArgumentException("--out " + out + " holds a run of another experiment ('" + there.experiment()
                    + "', SHA-256 " + there.experimentSha256().substring(0, 12) + " in " + out.resolve(OutputLayout.MANIFEST)
                    + ") than the shards ('" + shards.experiment() + "', " + shards.experimentSha256().substring(0, 12)
                    + "); merging would replace its results: choose a new directory, or pass --force");
        }
        try (Stream<Path> entries = Files.list(out)) {
            if (entries.findAny().isPresent()) {
                throw new IllegalArgumentException("--out " + out + " is not empty and holds no run (no "
                        + OutputLayout.MANIFEST + "); merging would mix the shards into its files: choose a new or empty "
                        + "directory, or pass --force");
            }
        }
    }
}
