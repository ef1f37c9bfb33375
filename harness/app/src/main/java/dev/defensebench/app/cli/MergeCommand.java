package dev.defensebench.app.cli;

import dev.defensebench.app.run.ShardMerge;
import dev.defensebench.report.OutputLayout;
import dev.defensebench.report.ResultSet;
import dev.defensebench.report.Site;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code defense-bench merge SHARD_DIR... --out DIR}: one result set and site from the shards of a run. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Merge the output directories of 'run --shard I/N' into one result set (results.csv, sanity.csv, "
                + "models, evaluations) and render its site. Refuses shards of different experiments or versions.")
final class MergeCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "SHARD_DIR", description = "output directories of the shards")
    List<Path> shards;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where the merged result set goes")
    Path out;

    @Option(names = "--partial", description = "merge even when some shards of the run are missing")
    boolean partial;

    @Option(names = "--force", description = "write into --out even when it holds another experiment's run or other files")
    boolean force;

    @Override
    public Integer call() throws Exception {
        for (Path shard : shards) {
            if (shard.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())
                    || Files.exists(out) && Files.exists(shard) && Files.isSameFile(shard, out)) {
                throw new IllegalArgumentException("--out " + out + " is one of the shard directories being merged; "
                        + "merge into a new directory");
            }
        }
        ShardMerge.Result merged = ShardMerge.merge(shards, out, partial, force);
        Site.Result site = Site.write(ResultSet.read(out), List.of(), OutputLayout.of(out).site(), Instant.now());
        PrintWriter o = spec.commandLine().getOut();
        o.printf(Locale.ROOT, "merged %d shards of '%s': %d cells, %d result rows, %d files copied%n", shards.size(),
                merged.manifest().experiment(), merged.manifest().cells().size(), merged.rows().size(), merged.filesCopied());
        for (Path dropped : merged.timingsDropped()) {
            o.println("timings of " + dropped + " left out: timed on another machine or with other settings than the first shard");
        }
        o.println("results: " + OutputLayout.of(out).results().toAbsolutePath());
        o.println("report:  " + site.index().toAbsolutePath());
        o.flush();
        return 0;
    }
}
