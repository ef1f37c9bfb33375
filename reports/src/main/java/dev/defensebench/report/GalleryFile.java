package dev.defensebench.report;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.defensebench.files.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads and writes a JSON list of {@link GalleryExample}s ({@code gallery.json} beside {@code results.csv}). */
public final class GalleryFile {

    /** The file name beside {@code results.csv}. */
    public static final String FILE = "gallery.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    private GalleryFile() {
    }

    /** Writes {@code examples} to {@code file} atomically. */
    public static void write(Path file, List<GalleryExample> examples) throws IOException {
        String text = JSON.writeValueAsString(examples);
        AtomicFiles.write(file, out -> out.write(text));
    }

    /** Reads a file written by {@link #write}; an empty list when the file does not exist. */
    public static List<GalleryExample> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return JSON.readValue(file.toFile(), new TypeReference<List<GalleryExample>>() {});
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": not a valid gallery file: " + e.getMessage(), e);
        }
    }
}
