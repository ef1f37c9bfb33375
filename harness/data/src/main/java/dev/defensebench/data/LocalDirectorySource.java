package dev.defensebench.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import java.util.zip.GZIPInputStream;

/**
 * Files the user placed by hand in a directory (the {@code --data-dir} / {@code DEFENSEBENCH_DATA}
 * directory): {@code NAME} as it is, or else {@code NAME.gz}, decompressed (unless NAME itself ends in
 * {@code .gz}, e.g. an archive, which is copied as it is).
 */
public final class LocalDirectorySource implements DataSource {

    private final Path directory;

    /** A source reading from {@code directory} (which need not exist). */
    public LocalDirectorySource(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
    }

    /** The directory searched. */
    public Path directory() {
        return directory;
    }

    @Override
    public String describe() {
        return "local directory " + directory;
    }

    @Override
    public void fetch(String fileName, Path target) throws IOException {
        Path raw = directory.resolve(fileName);
        Path gz = directory.resolve(fileName + ".gz");
        if (Files.isRegularFile(raw)) {
            Files.copy(raw, target, StandardCopyOption.REPLACE_EXISTING);
        } else if (!fileName.endsWith(".gz") && Files.isRegularFile(gz)) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(gz), 1 << 16)) {
                Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            } catch (java.util.zip.ZipException | java.io.EOFException e) {
                throw new IOException(gz + " is not a valid gzip file: " + e.getMessage(), e);
            }
        } else {
            throw new NoSuchFileException(raw.toString(), null, fileName.endsWith(".gz") ? "no " + fileName + " there"
                    : "neither " + fileName + " nor " + fileName + ".gz is there");
        }
    }

    @Override
    public String toString() {
        return describe();
    }
}
