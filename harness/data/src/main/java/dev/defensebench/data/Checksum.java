package dev.defensebench.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An expected digest of a file: the algorithm (MD5 where the data's authors publish only that, otherwise
 * SHA-256) and its lower-case hex value.
 */
public record Checksum(Algorithm algorithm, String hex) {

    /** Supported digest algorithms. */
    public enum Algorithm {
        /** MD5, 128 bits; only for files whose publishers give nothing stronger. */
        MD5("MD5", 32),
        /** SHA-256. */
        SHA256("SHA-256", 64);

        private final String javaName;
        private final int hexLength;

        Algorithm(String javaName, int hexLength) {
            this.javaName = javaName;
            this.hexLength = hexLength;
        }

        /** The name used in messages and by {@link MessageDigest}, e.g. {@code SHA-256}. */
        public String displayName() {
            return javaName;
        }

        /** A fresh digest for this algorithm. */
        public MessageDigest newDigest() {
            try {
                return MessageDigest.getInstance(javaName);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(javaName + " is not available in this JVM", e);
            }
        }
    }

    /** Normalises the hex to lower case and checks its length. */
    public Checksum {
        Objects.requireNonNull(algorithm, "algorithm");
        Objects.requireNonNull(hex, "hex");
        hex = hex.strip().toLowerCase(Locale.ROOT);
        if (hex.length() != algorithm.hexLength || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("not a " + algorithm.displayName() + " hex digest ("
                    + algorithm.hexLength + " hex digits expected): '" + hex + "'");
        }
    }

    /** An expected SHA-256. */
    public static Checksum sha256(String hex) {
        return new Checksum(Algorithm.SHA256, hex);
    }

    /** An expected MD5. */
    public static Checksum md5(String hex) {
        return new Checksum(Algorithm.MD5, hex);
    }

    /** This algorithm's digest of the file, lower-case hex. */
    public String compute(Path file) throws IOException {
        return digest(algorithm, file);
    }

    /** Whether the file's digest equals the expected one. */
    public boolean matches(Path file) throws IOException {
        return hex.equals(compute(file));
    }

    /** E.g. {@code SHA-256 ba8910...}. */
    public String describe() {
        return algorithm.displayName() + " " + hex;
    }

    /** Lower-case hex digest of a file with the given algorithm. */
    public static String digest(Algorithm algorithm, Path file) throws IOException {
        MessageDigest md = algorithm.newDigest();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int r; (r = in.read(buf)) > 0; ) {
                md.update(buf, 0, r);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Lower-case hex SHA-256 of a file. */
    public static String sha256Of(Path file) throws IOException {
        return digest(Algorithm.SHA256, file);
    }

    /**
     * The identity of a data set: SHA-256 of the lines {@code "<file name> <sha256 hex>\n"}, in the given
     * order. Independent of where the files came from and of where they are stored.
     *
     * @param namesAndHashes alternating file names and their SHA-256 hex digests
     */
    public static String identity(List<String> namesAndHashes) {
        if (namesAndHashes.size() % 2 != 0) {
            throw new IllegalArgumentException("expected name/hash pairs, found " + namesAndHashes.size() + " strings");
        }
        MessageDigest md = Algorithm.SHA256.newDigest();
        for (int i = 0; i < namesAndHashes.size(); i += 2) {
            String line = namesAndHashes.get(i) + " " + namesAndHashes.get(i + 1).toLowerCase(Locale.ROOT) + "\n";
            md.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
