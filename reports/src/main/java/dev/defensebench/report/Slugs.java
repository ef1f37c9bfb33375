package dev.defensebench.report;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

/**
 * Safe, unique file names for entry pages: the model id with every character outside
 * {@code [A-Za-z0-9._-]} replaced by '-', plus a short hash of the id when that changed more than the
 * '/' separators or collided with an earlier name.
 */
final class Slugs {

    private final Set<String> used = new HashSet<>();

    /** The file name (without extension) for {@code model}, unique among the names this instance gave. */
    String of(String model) {
        String base = model.replaceAll("[^A-Za-z0-9._-]", "-").replaceAll("-{2,}", "-").replaceAll("^[-.]+|-+$", "");
        if (base.length() > 60) {
            base = base.substring(0, 60);
        }
        boolean lossy = !base.equals(model.replace('/', '-')) || base.isEmpty();
        String slug = lossy ? (base.isEmpty() ? "entry" : base) + "-" + hash(model) : base;
        if (!used.add(slug)) {
            slug = slug + "-" + hash(model);
            for (int k = 2; !used.add(slug); k++) {
                slug = slug.replaceAll("~\\d+$", "") + "~" + k;
            }
        }
        return slug;
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
