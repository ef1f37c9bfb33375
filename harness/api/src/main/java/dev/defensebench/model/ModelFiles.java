package dev.defensebench.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Serialises a network's parameters (DJL's parameter format) to and from bytes. */
public final class ModelFiles {

    private ModelFiles() {}

    /** The parameters of an initialised block as bytes. */
    public static byte[] parameters(Block block) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            block.saveParameters(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** SHA-256 (hex) of parameter bytes, as recorded in the model card ({@link ModelCard#paramsSha256()}). */
    public static String sha256(byte[] parameters) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(parameters));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }

    /**
     * Loads parameters written by {@link #parameters} into an initialised block of the same layout. The
     * loaded arrays are marked as requiring gradients again (DJL's loader creates plain arrays), so the
     * block can be fine-tuned.
     */
    public static void loadParameters(Block block, NDManager manager, byte[] parameters) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(parameters))) {
            block.loadParameters(manager, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MalformedModelException e) {
            throw new IllegalArgumentException("the saved parameters do not fit this architecture: " + e.getMessage(), e);
        }
        for (var p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                p.getValue().getArray().setRequiresGradient(true);
            }
        }
    }
}
