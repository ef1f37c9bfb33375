package dev.defensebench.app.run;

import dev.defensebench.files.AtomicFiles;
import dev.defensebench.report.FailedEntry;
import dev.defensebench.report.FailuresFile;
import dev.defensebench.report.GalleryExample;
import dev.defensebench.report.GalleryFile;
import dev.defensebench.report.OutputLayout;
import dev.defensebench.report.ResultRow;
import dev.defensebench.report.ResultsCsv;
import dev.defensebench.report.SanityCheck;
import dev.defensebench.report.SanityCsv;
import dev.defensebench.report.TimingMeasurement;
import dev.defensebench.report.TimingReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Merges the output directories of the shards of one sharded run ({@code run --shard I/N}) into one
 * result set: model and evaluation files are copied, {@code results.csv} and {@code sanity.csv} are
 * concatenated, and so are {@code gallery.json}, {@code failures.json} and {@code timing.json} (timings only from shards timed on
 * the first shard's machine with its settings; the others are reported as dropped). Shards of different experiments, experiment contents or harness versions are refused,
 * as are duplicate or missing shards, and two files with the same path but different content.
 */
public final class ShardMerge {

    /** The files merged by content rather than copied. */
    private static final List<String> MERGED_FILES =
            List.of(OutputLayout.RESULTS, OutputLayout.SANITY, OutputLayout.MANIFEST, OutputLayout.GALLERY, OutputLayout.TIMING, OutputLayout.FAILURES);

    /** What a merge produced. */
    public record Result(RunManifest manifest, List<ResultRow> rows, List<SanityCheck> sanity, int filesCopied,
            List<Path> timingsDropped) {}

    private ShardMerge() {}

    /**
     * Merges {@code shards} into {@code out}.
     *
     * @param allowPartial accept a set of shards that does not cover 1..N (the board then lacks entries)
     * @throws IllegalArgumentException naming the directory and the mismatch when the shards do not belong together
     */
    public static Result merge(List<Path> shards, Path out, boolean allowPartial) throws IOException {
        return merge(shards, out, allowPartial, false);
    }

    /**
     * As {@link #merge(List, Path, boolean)}; every shard and {@code out} are checked before anything is
     * written, so a refused merge leaves {@code out} as it was.
     *
     * @param force replace what {@code out} holds even when it is another experiment's run or other files
     *     (a file of {@code out} at the path of a shard's file is overwritten)
     */
    public static Result merge(List<Path> shards, Path out, boolean allowPartial, boolean force) throws IOException {
        if (shards.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge: give the shards' output directories");
        }
        Manifests manifests = readManifests(shards);
        RunManifest first = manifests.first();
        if (!allowPartial && manifests.byIndex().size() != first.shardCount()) {
            List<Integer> missing = new ArrayList<>();
            for (int i = 1; i <= first.shardCount(); i++) {
                if (!manifests.byIndex().containsKey(i)) {
                    missing.add(i);
                }
            }
            throw new IllegalArgumentException("shards " + missing + " of " + first.shardCount()
                    + " are missing; merge all of them, or pass --partial to merge what is there");
        }
        MergeTarget.check(out, first, force);
        Contents all = new Contents();
        for (Path dir : manifests.byIndex().values()) {
            all.add(dir);
        }
        requireUniqueRows(all.rows);
        if (!force) {
            requireNoConflicts(all.copies, out);
        }
        int copied = 0;
        for (Map.Entry<String, Path> copy : all.copies.entrySet()) {
            if (force || !Files.exists(out.resolve(copy.getKey()))) { // forced: what --out held is replaced
                AtomicFiles.write(out.resolve(copy.getKey()), Files.readAllBytes(copy.getValue()));
                copied++;
            }
        }
        RunManifest merged = new RunManifest(first.experiment(), first.experimentSha256(), first.harnessVersion(),
                1, 1, manifests.cells());
        all.write(out, merged);
        return new Result(merged, all.rows, all.sanity, copied, all.timingsDropped);
    }

    /** The shards' manifests: by shard index, the first one read (and its directory), and every shard's cells. */
    private record Manifests(Map<Integer, Path> byIndex, RunManifest first, List<String> cells) {}

    /** Reads every shard's manifest, refusing shards of different runs and a shard given twice. */
    private static Manifests readManifests(List<Path> shards) throws IOException {
        Map<Integer, Path> byIndex = new TreeMap<>();
        RunManifest first = null;
        Path firstDir = null;
        List<String> cells = new ArrayList<>();
        for (Path dir : shards) {
            RunManifest m = RunManifest.read(dir);
            if (first == null) {
                first = m;
                firstDir = dir;
            } else {
                requireSame(dir, "experiment", first.experiment(), m.experiment(), firstDir);
                requireSame(dir, "experiment content (SHA-256)", first.experimentSha256(), m.experimentSha256(), firstDir);
                requireSame(dir, "harness version", first.harnessVersion(), m.harnessVersion(), firstDir);
                requireSame(dir, "shard count", String.valueOf(first.shardCount()), String.valueOf(m.shardCount()), firstDir);
            }
            Path previous = byIndex.put(m.shardIndex(), dir);
            if (previous != null) {
                throw new IllegalArgumentException("shard " + m.shardIndex() + "/" + m.shardCount() + " given twice: "
                        + previous + " and " + dir);
            }
            cells.addAll(m.cells());
        }
        return new Manifests(byIndex, first, cells);
    }

    /** What the shards hold together: their rows, checks, gallery, failures, one machine's timings and files to copy. */
    private static final class Contents {
        final List<ResultRow> rows = new ArrayList<>();
        final List<SanityCheck> sanity = new ArrayList<>();
        final List<GalleryExample> gallery = new ArrayList<>();
        final List<FailedEntry> failures = new ArrayList<>();
        final List<Path> timingsDropped = new ArrayList<>();
        final Map<String, Path> copies = new TreeMap<>();
        TimingReport timing;

        /** Adds the shard in {@code dir}, which must be complete (its results cover its cells). */
        void add(Path dir) throws IOException {
            Path results = dir.resolve(OutputLayout.RESULTS);
            if (!Files.isRegularFile(results)) {
                throw new IllegalArgumentException(results + ": missing; did that shard finish?");
            }
            List<ResultRow> shardRows = ResultsCsv.read(results);
            rows.addAll(shardRows);
            Path sanityFile = dir.resolve(OutputLayout.SANITY);
            if (Files.isRegularFile(sanityFile)) {
                sanity.addAll(SanityCsv.read(sanityFile));
            }
            gallery.addAll(GalleryFile.read(dir.resolve(OutputLayout.GALLERY)));
            List<FailedEntry> shardFailures = FailuresFile.read(dir.resolve(OutputLayout.FAILURES));
            failures.addAll(shardFailures);
            ShardContents.requireComplete(dir, RunManifest.read(dir), shardRows, shardFailures);
            addTiming(dir, TimingReport.read(dir.resolve(OutputLayout.TIMING)));
            planCopies(dir, copies);
        }

        /** One board shows one machine's timings: a shard timed elsewhere (or otherwise) is left off. */
        private void addTiming(Path dir, TimingReport t) {
            if (t == null) {
                return;
            }
            if (timing == null) {
                timing = t;
            } else if (timing.machine().equals(t.machine()) && timing.settings().equals(t.settings())) {
                List<TimingMeasurement> measurements = new ArrayList<>(timing.measurements());
                measurements.addAll(t.measurements());
                timing = new TimingReport(timing.machine(), timing.settings(), measurements);
            } else {
                timingsDropped.add(dir);
            }
        }

        /** Writes the merged results, checks, gallery, failures, timings and {@code manifest} into {@code out}. */
        void write(Path out, RunManifest manifest) throws IOException {
            ResultsCsv.write(OutputLayout.of(out).results(), rows);
            if (!sanity.isEmpty()) {
                SanityCsv.write(out.resolve(OutputLayout.SANITY), sanity);
            }
            GalleryFile.write(out.resolve(OutputLayout.GALLERY), gallery);
            FailuresFile.write(out.resolve(OutputLayout.FAILURES), failures);
            if (timing != null) {
                TimingReport.write(out.resolve(OutputLayout.TIMING), timing);
            }
            manifest.write(out);
        }
    }

    private static void requireSame(Path dir, String what, String expected, String found, Path firstDir) {
        if (!expected.equals(found)) {
            throw new IllegalArgumentException("cannot merge " + dir + ": its " + what + " is '" + found + "' but "
                    + firstDir + " has '" + expected + "'; shards of one run must come from the same experiment file "
                    + "and the same defense-bench version");
        }
    }

    private static void requireUniqueRows(List<ResultRow> rows) {
        Map<String, ResultRow> seen = new LinkedHashMap<>();
        for (ResultRow r : rows) {
            String key = r.model() + " | " + r.attack() + " | " + r.norm() + " | " + r.epsilon();
            ResultRow before = seen.put(key, r);
            if (before != null && !before.equals(r)) {
                throw new IllegalArgumentException("two shards disagree on " + key + ": the same model was scored twice "
                        + "with different results");
            }
        }
    }

    /**
     * Adds every file under {@code from} except the merged files, the run lock and the site to {@code copies}
     * (relative path to source); the same path in two shards must have the same content.
     */
    private static void planCopies(Path from, Map<String, Path> copies) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                Path relative = from.relativize(file);
                if (relative.getNameCount() == 1 && (MERGED_FILES.contains(relative.toString())
                        || relative.toString().equals(OutputLock.FILE))
                        || relative.getName(0).toString().equals(OutputLayout.SITE)) {
                    continue;
                }
                Path before = copies.putIfAbsent(relative.toString(), file);
                if (before != null && Files.mismatch(before, file) != -1) {
                    throw new IllegalArgumentException("cannot merge " + file + ": " + before + " has different content");
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Refuses, before anything is written, a copy onto a file of {@code out} with different content. */
    private static void requireNoConflicts(Map<String, Path> copies, Path out) throws IOException {
        for (Map.Entry<String, Path> copy : copies.entrySet()) {
            Path target = out.resolve(copy.getKey());
            if (Files.exists(target) && Files.mismatch(target, copy.getValue()) != -1) {
                throw new IllegalArgumentException("cannot merge " + copy.getValue() + ": " + target
                        + " exists with different content");
            }
        }
    }
}
