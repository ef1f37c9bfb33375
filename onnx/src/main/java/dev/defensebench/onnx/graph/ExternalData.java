package dev.defensebench.onnx.graph;

import dev.defensebench.onnx.proto.StringStringEntryProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the tensors of one decode keep their data when it is not in the model file: ONNX's external data, as torch.onnx
 * writes every model over protobuf's 2 GiB. Such a tensor has data_location EXTERNAL and external_data entries
 * {@code location} (a path relative to the model file's directory), {@code offset} (bytes, default 0) and
 * {@code length} (bytes, default: to the end of the file); the bytes there are the tensor's raw little-endian data, as
 * raw_data would hold them. A {@code checksum} entry (ONNX's optional SHA-1, which the common writers leave out) is not
 * verified: the model's identity covers the whole files instead. Other keys are ignored, as ONNX's own loader does.
 *
 * <p>Refused, with {@link ExternalDataException} naming the tensor and the file: an empty, absolute or escaping
 * location (a {@code ..} component, or a symbolic link that leads out of the model's directory), a missing file, an
 * offset or length that is not a non-negative integer or runs past the end of the file, a length other than the
 * tensor's dimensions times its element width, and, once files are counted, more external bytes than the size limit
 * allows. {@link #none()} refuses every external tensor (a model given as bytes has no directory).
 *
 * <p>One instance serves one decode: it remembers the files it read ({@link #files()}) so that the model's identity can
 * cover their contents.
 */
public final class ExternalData {

    private final Path modelFile;
    private final Path directory;
    private long budget;
    private final Map<String, Path> files = new TreeMap<>();
    private final Map<String, Long> sizes = new HashMap<>();

    private ExternalData(Path modelFile, long budget) {
        this.modelFile = modelFile;
        this.directory = modelFile == null ? null : modelFile.toAbsolutePath().normalize().getParent();
        this.budget = budget;
    }

    /** No external data: a tensor that keeps its data elsewhere is refused (the model came as bytes, without a file). */
    public static ExternalData none() {
        return new ExternalData(null, 0);
    }

    /**
     * External data read from {@code modelFile}'s directory, at most {@code budgetBytes} bytes of files in all (the
     * import size limit less the model file's own size); a file that would exceed it is refused before it is read.
     */
    public static ExternalData beside(Path modelFile, long budgetBytes) {
        return new ExternalData(modelFile, budgetBytes);
    }

    /** The external files read so far, by location (relative to the model's directory, '/'-separated), sorted. */
    public Map<String, Path> files() {
        return Collections.unmodifiableMap(files);
    }

    /**
     * The {@code bytes} bytes of tensor {@code tensor}'s data described by {@code entries}, little-endian, read-only.
     */
    ByteBuffer read(String tensor, List<StringStringEntryProto> entries, long bytes) {
        String what = "tensor '" + tensor + "'";
        if (directory == null) {
            throw new ExternalDataException(what + " keeps its data in an external file, but the model was given as bytes "
                    + "without its directory; read it from its file");
        }
        Map<String, String> keys = keys(what, entries);
        String location = keys.get("location");
        if (location == null || location.isEmpty()) {
            throw new ExternalDataException(what + " of " + modelFile + " keeps its data in an external file but names none "
                    + "(no 'location' in its external_data)");
        }
        what = what + " of " + modelFile + ": its external data file '" + location + "'";
        Path file = resolve(what, location);
        long size = size(what, location, file);
        long offset = number(what, keys, "offset", 0);
        long length = number(what, keys, "length", Math.max(0, size - offset));
        if (length != bytes && offset <= size) {
            throw new ExternalDataException(what + " holds " + length + " bytes for the tensor, but its dimensions and type need "
                    + bytes);
        }
        if (offset > size || length > size - offset) {
            throw new ExternalDataException(what + " is " + size + " bytes, too short for offset " + offset + " + length "
                    + length);
        }
        if (length > Integer.MAX_VALUE) {
            throw new ExternalDataException(what + " holds " + length + " bytes for one tensor, over the 2 GiB a tensor may have");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, offset, length).order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new ExternalDataException(what + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> keys(String what, List<StringStringEntryProto> entries) {
        Map<String, String> keys = new HashMap<>();
        for (StringStringEntryProto e : entries) {
            if (keys.put(e.getKey(), e.getValue()) != null && List.of("location", "offset", "length").contains(e.getKey())) {
                throw new ExternalDataException(what + " has its external_data key '" + e.getKey() + "' twice");
            }
        }
        return keys;
    }

    /** The file {@code location} names, checked to lie inside the model's directory. */
    private Path resolve(String what, String location) {
        String[] parts = location.split("[/\\\\]", -1);
        boolean escapes = List.of(parts).contains("..");
        boolean absolute;
        try {
            absolute = location.startsWith("/") || location.startsWith("\\") || location.matches("^[A-Za-z]:.*")
                    || Path.of(location).isAbsolute();
        } catch (InvalidPathException e) {
            throw new ExternalDataException(what + " is not a valid path: " + e.getMessage(), e);
        }
        if (absolute || escapes) {
            throw new ExternalDataException(what + " is " + (absolute ? "an absolute path" : "outside the model's directory ('..')")
                    + "; external data must lie in the model's directory " + directory + " or below it");
        }
        Path file = directory.resolve(location.replace('\\', '/')).normalize();
        try {
            if (!file.toRealPath().startsWith(directory.toRealPath())) {
                throw new ExternalDataException(what + " leads out of the model's directory " + directory + " (to "
                        + file.toRealPath() + "); external data must lie in it or below it");
            }
        } catch (NoSuchFileException e) {
            throw new ExternalDataException(what + " is missing (looked for " + file + ")", e);
        } catch (IOException e) {
            throw new ExternalDataException(what + " cannot be read: " + e.getMessage(), e);
        }
        if (!Files.isRegularFile(file)) {
            throw new ExternalDataException(what + " is not a regular file (" + file + ")");
        }
        return file;
    }

    /** The file's size; the first time a file is met, its size is charged to the budget (refused past it). */
    private long size(String what, String location, Path file) {
        String key = directory.relativize(file).toString().replace('\\', '/');
        Long known = sizes.get(key);
        if (known != null) {
            return known;
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new ExternalDataException(what + " cannot be read: " + e.getMessage(), e);
        }
        if (size > budget) {
            throw new ExternalDataException(what + " is " + size + " bytes, which takes the model and its external data over "
                    + "the import size limit (" + Math.max(0, budget) + " bytes were left); raise 'max_mb' on the entry if you "
                    + "trust it");
        }
        budget -= size;
        sizes.put(key, size);
        files.put(key, file);
        return size;
    }

    private static long number(String what, Map<String, String> keys, String key, long otherwise) {
        String text = keys.get(key);
        if (text == null) {
            return otherwise;
        }
        try {
            long v = Long.parseLong(text.trim());
            if (v >= 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ExternalDataException(what + " has " + key + " '" + text + "'; expected a non-negative integer");
    }
}
