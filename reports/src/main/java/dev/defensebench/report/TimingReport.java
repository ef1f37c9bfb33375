package dev.defensebench.report;

import dev.defensebench.files.AtomicFiles;
import dev.defensebench.files.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The timing results of one run ({@code timing.json} beside {@code results.csv}): the machine, the JMH
 * settings in words and every measurement.
 *
 * @param machine      where it ran
 * @param settings     JMH settings (preset, forks, warm-up, iterations), label to value
 * @param measurements one per model and benchmark
 */
public record TimingReport(Machine machine, Map<String, String> settings, List<TimingMeasurement> measurements) {


    /** Rejects nulls; copies the settings (keeping their order) and the measurements. */
    public TimingReport {
        Objects.requireNonNull(machine, "machine");
        settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
        measurements = List.copyOf(measurements);
    }

    /** Writes {@code report} to {@code file} atomically. */
    public static void write(Path file, TimingReport report) throws IOException {
        String text = Json.PRETTY.writeValueAsString(report);
        AtomicFiles.write(file, out -> out.write(text));
    }

    /**
     * Reads a file written by {@link #write}; null when the file does not exist.
     *
     * @throws IOException naming the file when it is not a valid timing file
     */
    public static TimingReport read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), TimingReport.class);
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": not a valid timing file: " + e.getMessage(), e);
        }
    }
}
