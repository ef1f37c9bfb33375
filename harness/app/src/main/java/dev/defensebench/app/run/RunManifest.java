package dev.defensebench.app.run;

import dev.defensebench.files.AtomicFiles;
import dev.defensebench.files.Json;
import dev.defensebench.report.OutputLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code run.json}: what produced an output directory — the experiment (name and a SHA-256 of its
 * resolved content), the harness version, which shard of how many, and the cells it holds. {@code
 * defense-bench merge} reads it to refuse merging shards of different experiments or versions.
 *
 * @param experiment the experiment's name
 * @param experimentSha256 SHA-256 of the parsed experiment (independent of formatting and comments)
 * @param harnessVersion the harness version that ran it
 * @param shardIndex 1-based shard number (1 for an unsharded run)
 * @param shardCount number of shards (1 for an unsharded run)
 * @param cells the ids of the cells this directory holds results for, in plan order
 */
public record RunManifest(String experiment, String experimentSha256, String harnessVersion, int shardIndex,
        int shardCount, List<String> cells) {


    public RunManifest {
        cells = cells == null ? null : List.copyOf(cells);
    }

    /** Writes this manifest into {@code dir} atomically. */
    public void write(Path dir) throws IOException {
        AtomicFiles.write(dir.resolve(OutputLayout.MANIFEST), Json.PRETTY.writeValueAsBytes(this));
    }

    /** Reads {@code dir/run.json}; the error names the file and says what produces it. */
    public static RunManifest read(Path dir) throws IOException {
        Path file = dir.resolve(OutputLayout.MANIFEST);
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + ": missing; expected the output directory of 'defense-bench run' "
                    + "(it writes " + OutputLayout.MANIFEST + ")");
        }
        try {
            RunManifest m = Json.MAPPER.readValue(file.toFile(), RunManifest.class);
            if (m.experiment() == null || m.experimentSha256() == null || m.harnessVersion() == null || m.cells() == null) {
                throw new IOException(file + ": incomplete; expected experiment, experimentSha256, harnessVersion, "
                        + "shardIndex, shardCount and cells");
            }
            return m;
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException(file + ": not a valid run manifest: " + e.getOriginalMessage(), e);
        }
    }
}
