package dev.defensebench.report;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.defensebench.files.AtomicFiles;
import dev.defensebench.files.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads and writes a JSON list of {@link GalleryExample}s ({@code gallery.json} beside {@code results.csv}). */
public final class GalleryFile {


    private GalleryFile() {
    }

    /** Writes {@code examples} to {@code file} atomically. */
    public static void write(Path file, List<GalleryExample> examples) throws IOException {
        String text = Json.MAPPER.writeValueAsString(examples);
        AtomicFiles.write(file, out -> out.write(text));
    }

    /** Reads a file written by {@link #write}; an empty list when the file does not exist. */
    public static List<GalleryExample> read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        return parse(file, Files.readAllBytes(file));
    }

    /** The examples in {@code content}, read from {@code file} (named in the error). */
    public static List<GalleryExample> parse(Path file, byte[] content) throws IOException {
        try {
            return Json.MAPPER.readValue(content, new TypeReference<List<GalleryExample>>() {});
        } catch (IOException | RuntimeException e) {
            throw new IOException(file + ": not a valid gallery file: " + e.getMessage(), e);
        }
    }
}
