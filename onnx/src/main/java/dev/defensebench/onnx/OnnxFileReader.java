package dev.defensebench.onnx;

import dev.defensebench.onnx.graph.ExternalData;
import dev.defensebench.onnx.graph.ExternalDataException;
import dev.defensebench.onnx.graph.Model;
import dev.defensebench.onnx.graph.OnnxCodec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one place an ONNX model is read from its file: the size limit (checked before reading), the strict decode with
 * any external data read from the model's directory ({@link ExternalData}, charged to the same limit), and the model's
 * identity. The identity of a self-contained file is the SHA-256 of its bytes; that of a model with external data also
 * covers every external file's contents ({@link #identity}), so that changing a byte of them changes it.
 */
public final class OnnxFileReader {

    private OnnxFileReader() {}

    /**
     * A model read from its file.
     *
     * @param file where it was read
     * @param bytes the model file's content
     * @param model the decoded model, external tensors' data included
     * @param sha256 its identity (hex): see {@link OnnxFileReader}
     * @param externalFiles the external data files it reads, by location relative to the model's directory, sorted
     *     (empty when self-contained)
     */
    public record Read(Path file, byte[] bytes, Model model, String sha256, Map<String, Path> externalFiles) {}

    /** Reads and decodes {@code file}; anything refused is an {@link OnnxImportException} naming the file. */
    public static Read read(Path file, long maxBytes) {
        byte[] bytes = bytes(file, maxBytes);
        ExternalData external = ExternalData.beside(file, maxBytes - bytes.length);
        Model model;
        try {
            model = OnnxCodec.decode(bytes, external);
        } catch (ExternalDataException e) {
            throw new OnnxImportException(file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new OnnxImportException(file + ": not a valid ONNX model (truncated, corrupted or another format): "
                    + e.getMessage(), e);
        }
        return new Read(file, bytes, model, identity(file, bytes, external.files()),
                Collections.unmodifiableMap(new TreeMap<>(external.files())));
    }

    /**
     * The SHA-256 (hex) of {@code bytes} when {@code external} is empty; otherwise the SHA-256 of a text that lists the
     * model file's SHA-256 and, for each external file in the order of its location, the location, its size and the
     * SHA-256 of its contents, one line each.
     */
    static String identity(Path file, byte[] bytes, Map<String, Path> external) {
        String own = OnnxImporter.sha256(bytes);
        if (external.isEmpty()) {
            return own;
        }
        StringBuilder text = new StringBuilder("onnx model with external data\n").append(own).append('\n');
        for (Map.Entry<String, Path> e : external.entrySet()) {
            try {
                text.append(e.getKey()).append('\n').append(Files.size(e.getValue())).append(' ')
                        .append(fileSha256(e.getValue())).append('\n');
            } catch (IOException x) {
                throw new OnnxImportException(file + ": its external data file '" + e.getKey() + "' cannot be read: "
                        + x.getMessage(), x);
            }
        }
        return OnnxImporter.sha256(text.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String fileSha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] bytes(Path file, long maxBytes) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new OnnxImportException(file + ": no such ONNX file");
            }
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new OnnxImportException(String.format(Locale.ROOT,
                        "%s: the file is %d bytes (%.1f MiB), over the import size limit of %d bytes (%.1f MiB); raise "
                                + "'max_mb' on the entry if you trust it", file, size, size / 1048576.0, maxBytes, maxBytes / 1048576.0));
            }
            if (size == 0) {
                throw new OnnxImportException(file + ": the file is empty, not an ONNX model");
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new OnnxImportException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
