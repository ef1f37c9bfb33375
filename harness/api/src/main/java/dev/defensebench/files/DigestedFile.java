package dev.defensebench.files;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A stored file whose content is verified when it is reused, as a model card verifies its weights: next to
 * {@code FILE} its SHA-256 is kept in {@code FILE.sha256} (the format of {@code sha256sum}, so
 * {@code sha256sum -c FILE.sha256} checks it by hand). A file edited after it was written, even at the same
 * size, no longer matches and is reported by name instead of being reused.
 */
public final class DigestedFile {

    /** A stored file that does not match its digest, or has none. */
    public static final class MismatchException extends IOException {
        MismatchException(String message) {
            super(message);
        }
    }

    private DigestedFile() {}

    /** The digest file of {@code file}: {@code FILE.sha256} beside it. */
    public static Path digestOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".sha256");
    }

    /** Writes {@code content} to {@code file} and then its digest, both atomically. */
    public static void write(Path file, byte[] content) throws IOException {
        AtomicFiles.write(file, content);
        AtomicFiles.write(digestOf(file), (sha256(content) + "  " + file.getFileName() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The content of {@code file}, or null when it does not exist.
     *
     * @throws MismatchException naming the file when its digest file is missing or records another SHA-256
     */
    public static byte[] read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        byte[] content = Files.readAllBytes(file);
        Path digest = digestOf(file);
        if (!Files.isRegularFile(digest)) {
            throw new MismatchException(file + " has no digest (" + digest.getFileName() + " is missing)");
        }
        String recorded = Files.readString(digest, StandardCharsets.UTF_8).strip().split("\\s+", 2)[0];
        String found = sha256(content);
        if (!found.equalsIgnoreCase(recorded)) {
            throw new MismatchException(file + " does not match its digest (" + digest.getFileName() + " records SHA-256 "
                    + abbreviated(recorded) + ", the file has " + abbreviated(found) + "): edited or damaged since it was written");
        }
        return content;
    }

    /** The SHA-256 of {@code content} in lower-case hex. */
    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviated(String hex) {
        return hex.length() <= 12 ? hex : hex.substring(0, 12) + "…";
    }
}
