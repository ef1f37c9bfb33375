package dev.defensebench.app.run;

import dev.defensebench.data.Checksum;
import dev.defensebench.data.DatasetRegistry;
import dev.defensebench.data.LocalDirectorySource;
import dev.defensebench.data.MnistLoader;
import dev.defensebench.data.RequiredFile;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * A tiny, learnable MNIST look-alike written as the four IDX files: 10 classes, each a fixed random
 * on/off pattern of {@value #SIDE}×{@value #SIDE} pixels plus seeded noise. Registered as "mnist" with
 * its own checksums, read from a local directory only (nothing is downloaded). Public for the spark
 * module's tests.
 */
public final class TinyMnist {

    static final int SIDE = 8;
    static final int CLASSES = 10;

    private final List<RequiredFile> files;
    private final Path directory;

    private TinyMnist(List<RequiredFile> files, Path directory) {
        this.files = files;
        this.directory = directory;
    }

    /** Writes {@code train} and {@code test} images into {@code directory}. */
    public static TinyMnist write(Path directory, int train, int test, long seed) throws IOException {
        Random random = new Random(seed);
        int pixels = SIDE * SIDE;
        int[][] prototypes = new int[CLASSES][pixels];
        for (int c = 0; c < CLASSES; c++) {
            for (int i = 0; i < pixels; i++) {
                prototypes[c][i] = random.nextBoolean() ? 220 : 20;
            }
        }
        List<byte[]> contents = new ArrayList<>();
        for (int count : new int[] {train, test}) {
            int[] labels = new int[count];
            byte[][] images = new byte[count][pixels];
            for (int k = 0; k < count; k++) {
                labels[k] = k % CLASSES;
                for (int i = 0; i < pixels; i++) {
                    int v = (int) Math.round(prototypes[labels[k]][i] + 30 * random.nextGaussian());
                    images[k][i] = (byte) Math.max(0, Math.min(255, v));
                }
            }
            contents.add(idxImages(images));
            contents.add(idxLabels(labels));
        }
        Files.createDirectories(directory);
        List<RequiredFile> required = new ArrayList<>();
        for (int f = 0; f < 4; f++) {
            String name = MnistLoader.FILES.get(f).name();
            Files.write(directory.resolve(name), contents.get(f));
            required.add(new RequiredFile(name, Checksum.sha256(sha256(contents.get(f)))));
        }
        return new TinyMnist(List.copyOf(required), directory);
    }

    /** The data set {@link #write} left in {@code directory}, with checksums of the files found there. */
    public static TinyMnist read(Path directory) throws IOException {
        List<RequiredFile> required = new ArrayList<>();
        for (RequiredFile f : MnistLoader.FILES) {
            required.add(new RequiredFile(f.name(), Checksum.sha256(sha256(Files.readAllBytes(directory.resolve(f.name()))))));
        }
        return new TinyMnist(List.copyOf(required), directory);
    }

    /** A registry whose only data set, "mnist", is this one. */
    public DatasetRegistry registry() {
        return DatasetRegistry.of(List.of(new MnistLoader(files, dataDir -> List.of(new LocalDirectorySource(directory)))));
    }

    /** The data identity the loader must report: SHA-256 over the file names and their hashes. */
    String identity() {
        List<String> namesAndHashes = new ArrayList<>();
        for (RequiredFile f : files) {
            namesAndHashes.add(f.name());
            namesAndHashes.add(f.checksum().hex());
        }
        return Checksum.identity(namesAndHashes);
    }

    private static byte[] idxImages(byte[][] images) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(2051);
            out.writeInt(images.length);
            out.writeInt(SIDE);
            out.writeInt(SIDE);
            for (byte[] image : images) {
                out.write(image);
            }
        }
        return bytes.toByteArray();
    }

    private static byte[] idxLabels(int[] labels) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(2049);
            out.writeInt(labels.length);
            for (int l : labels) {
                out.writeByte(l);
            }
        }
        return bytes.toByteArray();
    }

    private static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
