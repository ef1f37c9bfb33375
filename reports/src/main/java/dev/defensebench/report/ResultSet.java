package dev.defensebench.report;

import dev.defensebench.files.Json;
import dev.defensebench.model.ModelCard;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Everything one run left in its results directory, as the report reads it: {@code results.csv}
 * (required), {@code sanity.csv}, {@code timing.json}, {@code gallery.json} and the model cards
 * {@code models/*}{@code /card.json} and {@code failures.json} (all optional).
 *
 * @param dir     the results directory
 * @param label   a short name of the run (the directory name)
 * @param when    when the results were written (the modification time of {@code results.csv})
 * @param rows    the result rows
 * @param sanity  the sanity checks, or null when there is no {@code sanity.csv}
 * @param timing  the timing report, or null when there is no {@code timing.json}
 * @param gallery adversarial examples, possibly empty
 * @param cards   the model cards, possibly empty
 * @param failures the entries whose training failed or was skipped ({@code failures.json}), possibly empty
 */
public record ResultSet(Path dir, String label, Instant when, List<ResultRow> rows, List<SanityCheck> sanity,
        TimingReport timing, List<GalleryExample> gallery, List<ModelCard> cards, List<FailedEntry> failures) {


    /** Rejects nulls where a value is required; copies the lists. */
    public ResultSet {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(when, "when");
        rows = List.copyOf(rows);
        sanity = sanity == null ? null : List.copyOf(sanity);
        gallery = List.copyOf(gallery);
        cards = List.copyOf(cards);
        failures = List.copyOf(failures);
    }

    /**
     * Reads the results directory {@code dir} (or, when {@code dir} is a {@code results.csv} file, its
     * directory).
     *
     * @throws NoSuchFileException when there is no {@code results.csv}
     * @throws IOException         naming the file on bad content
     */
    public static ResultSet read(Path dir) throws IOException {
        if (Files.exists(dir) && !Files.isDirectory(dir) && !dir.getFileName().toString().equals(OutputLayout.RESULTS)) {
            throw new IOException(dir + ": is a file, not a results directory (expected the output directory of "
                    + "'defense-bench run', or its " + OutputLayout.RESULTS + ")");
        }
        Path base = Files.isRegularFile(dir) ? dir.toAbsolutePath().getParent() : dir;
        Path results = base.resolve(OutputLayout.RESULTS);
        if (!Files.isRegularFile(results)) {
            throw new NoSuchFileException(results.toString(), null,
                    "no " + OutputLayout.RESULTS + " in " + base + " (expected the output directory of 'defense-bench run')");
        }
        List<ResultRow> rows = ResultsCsv.read(results);
        Path sanityFile = base.resolve(OutputLayout.SANITY);
        List<SanityCheck> sanity = Files.exists(sanityFile) ? SanityCsv.read(sanityFile) : null;
        TimingReport timing = TimingReport.read(base.resolve(OutputLayout.TIMING));
        List<GalleryExample> gallery = GalleryFile.read(base.resolve(OutputLayout.GALLERY));
        List<ModelCard> cards = new ArrayList<>();
        Path models = OutputLayout.of(base).models();
        if (Files.isDirectory(models)) {
            List<Path> cardFiles;
            try (Stream<Path> dirs = Files.list(models)) {
                cardFiles = dirs.map(d -> d.resolve(OutputLayout.CARD)).filter(Files::isRegularFile)
                        .sorted(Comparator.naturalOrder()).toList();
            }
            for (Path card : cardFiles) {
                try {
                    cards.add(Json.MAPPER.readValue(card.toFile(), ModelCard.class));
                } catch (IOException | RuntimeException e) {
                    throw new IOException(card + ": not a valid model card: " + e.getMessage(), e);
                }
            }
        }
        Path name = base.toAbsolutePath().normalize().getFileName();
        return new ResultSet(base, name == null ? base.toString() : name.toString(),
                Files.getLastModifiedTime(results).toInstant(), rows, sanity, timing, gallery, cards,
                FailuresFile.read(base.resolve(OutputLayout.FAILURES)));
    }

    /** The experiment name of the rows (the first one), or the directory label when there are none. */
    public String experiment() {
        return rows.isEmpty() ? label : rows.get(0).experiment();
    }

    /** The card of {@code model}, or null. */
    public ModelCard card(String model) {
        return cards.stream().filter(c -> c.cellId().equals(model)).findFirst().orElse(null);
    }
}
