package dev.defensebench.app.run;

import dev.defensebench.report.FailedEntry;
import dev.defensebench.report.OutputLayout;
import dev.defensebench.report.ResultRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What a shard's output directory must hold before it is merged: a result or a failure for every cell its
 * {@code run.json} lists, and for every scored cell its model card ({@code models/<cell>/card.json}) and a
 * stored evaluation ({@code evaluations/<cell>/*.json}). Without them the merged board loses the entry's
 * card and training time without a word.
 */
final class ShardContents {

    /** How many missing things one message lists. */
    private static final int LISTED = 5;

    private ShardContents() {}

    /** Refuses {@code shard} naming what is missing from it. */
    static void requireComplete(Path shard, RunManifest manifest, List<ResultRow> rows, List<FailedEntry> failures)
            throws IOException {
        List<String> missing = new ArrayList<>();
        Set<String> accounted = Stream.concat(rows.stream().map(ResultRow::model), failures.stream().map(FailedEntry::model))
                .collect(Collectors.toSet());
        manifest.cells().stream().filter(cell -> !accounted.contains(cell))
                .forEach(cell -> missing.add("results of cell " + cell + " (listed in " + OutputLayout.MANIFEST + ")"));
        Map<String, String> scored = new LinkedHashMap<>();
        rows.forEach(r -> scored.putIfAbsent(r.cellHash(), r.model()));
        OutputLayout layout = OutputLayout.of(shard);
        for (Map.Entry<String, String> cell : scored.entrySet()) {
            Optional<Path> model = directoryOf(layout.models(), cell.getKey());
            if (model.isEmpty() || !Files.isRegularFile(model.get().resolve(OutputLayout.CARD))) {
                missing.add(shard.relativize(layout.models()) + "/<" + cell.getValue() + ">/" + OutputLayout.CARD
                        + " (the card of " + cell.getValue() + ")");
                continue;
            }
            Path evaluations = layout.evaluations(model.get().getFileName().toString());
            if (!hasJson(evaluations)) {
                missing.add(shard.relativize(evaluations) + "/*.json (the stored evaluation of " + cell.getValue() + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("cannot merge " + shard + ": " + missing.size() + " missing: "
                    + String.join("; ", missing.subList(0, Math.min(LISTED, missing.size())))
                    + (missing.size() > LISTED ? "; …" : "") + "; was the shard copied whole?");
        }
    }

    /** The directory under {@code parent} of the cell with hash {@code cellHash} (named "...-<first 12 hex digits>"). */
    private static Optional<Path> directoryOf(Path parent, String cellHash) throws IOException {
        if (!Files.isDirectory(parent) || cellHash == null || cellHash.length() < 12) {
            return Optional.empty();
        }
        String suffix = "-" + cellHash.substring(0, 12);
        try (Stream<Path> dirs = Files.list(parent)) {
            return dirs.filter(d -> d.getFileName().toString().endsWith(suffix)).findFirst();
        }
    }

    private static boolean hasJson(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".json") && Files.isRegularFile(f));
        }
    }
}
