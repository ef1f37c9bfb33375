package dev.defensebench.report;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.defensebench.files.AtomicFiles;
import dev.defensebench.files.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads and writes the JSON list of {@link FailedEntry}s ({@code failures.json} beside {@code results.csv}). */
public final class FailuresFile {


    private FailuresFile() {
    }

    /** Writes {@code failures} to {@code file} atomically. */
    public static void write(Path file, List<FailedEntry> failures) throws IOException {
        String text = Json.PRETTY.writeValueAsString(failures);
        AtomicFiles.write(file, out -> out.write(text));
    }

    /** Reads a file written by {@link #write}; an empty list when the file does not exist. */
    public static List<FailedEntry> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Json.MAPPER.readValue(file.toFile(), new TypeReference<List<FailedEntry>>() {});
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": not a valid failures file: " + e.getMessage(), e);
        }
    }
}
