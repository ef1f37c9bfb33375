package dev.defensebench.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The user's own images as a test set ({@code dataset: imagefolder}): listed by {@link ImageFolderListing} (every
 * listing problem reported before any image is decoded), a seeded subset drawn, and only those images decoded and
 * sized by {@link ImageDecoder}. There is no training split (an empty one): image folders score imported models.
 * The identity covers the sizes, the subset's draw, the whole list of names and labels, and every scored image's
 * bytes (SHA-256 of each file).
 */
public final class ImageFolderLoader implements DatasetLoader {

    /** The name of this data set in experiments and cards. */
    public static final String NAME = "imagefolder";

    private static final Logger LOG = LoggerFactory.getLogger(ImageFolderLoader.class);

    private final ImageFolderSpec spec;
    private final ImageFolderListing listing;

    private ImageFolderLoader(ImageFolderSpec spec, ImageFolderListing listing) {
        this.spec = spec;
        this.listing = listing;
    }

    /** Lists the images of {@code spec} (reporting a missing root, an empty class or a bad CSV line now). */
    public static ImageFolderLoader open(ImageFolderSpec spec) throws IOException {
        return new ImageFolderLoader(spec, ImageFolderListing.of(spec));
    }

    /** The images listed, before the subset is drawn. */
    public ImageFolderListing listing() {
        return listing;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int numClasses() {
        return listing.numClasses();
    }

    /** Decodes the subset; {@code dataDir} is not used (the spec names its files). */
    @Override
    public LoadedDataset load(Path dataDir) throws IOException {
        int[] subset = subset(listing.images().size(), spec.subsetSize(), spec.seed());
        ImageDecoder decoder = new ImageDecoder(spec.resize(), spec.crop());
        int per = 3 * spec.crop() * spec.crop();
        byte[] pixels = new byte[Math.multiplyExact(subset.length, per)];
        int[] labels = new int[subset.length];
        String[] hashes = new String[subset.length];
        try {
            IntStream.range(0, subset.length).parallel().forEach(i -> {
                ImageFolderListing.Image image = listing.images().get(subset[i]);
                try {
                    System.arraycopy(decoder.read(image.file()), 0, pixels, i * per, per);
                    hashes[i] = Checksum.sha256Of(image.file());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                labels[i] = image.label();
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        LOG.info("{}: {} of {} images from {}, {} classes, resized to {} and cropped to {}x{}", NAME, subset.length,
                listing.images().size(), spec.source(), numClasses(), spec.resize(), spec.crop(), spec.crop());
        ImageSplit test = new ImageSplit(pixels, labels, 3, spec.crop(), spec.crop());
        ImageSplit train = new ImageSplit(new byte[0], new int[0], 3, spec.crop(), spec.crop());
        return new LoadedDataset(NAME, numClasses(), train, test, identity(subset, hashes));
    }

    /**
     * {@code size} indices of {@code 0..total-1} drawn without replacement with {@code seed} (a seeded Fisher–Yates
     * shuffle), in ascending order; all of them when {@code size >= total}.
     */
    static int[] subset(int total, int size, long seed) {
        if (size >= total) {
            return IntStream.range(0, total).toArray();
        }
        int[] order = IntStream.range(0, total).toArray();
        Random random = new Random(seed);
        for (int i = total - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        int[] chosen = Arrays.copyOf(order, size);
        Arrays.sort(chosen);
        return chosen;
    }

    private String identity(int[] subset, String[] hashes) {
        List<String> lines = new ArrayList<>();
        lines.add("format");
        lines.add(NAME + "-1");
        lines.add("sizes");
        lines.add("resize-" + spec.resize() + "-crop-" + spec.crop());
        lines.add("subset");
        lines.add(subset.length + "-of-" + listing.images().size() + "-seed-" + spec.seed());
        lines.add("classes");
        lines.add(sha256(String.join("\n", listing.classNames())));
        StringBuilder all = new StringBuilder();
        for (ImageFolderListing.Image image : listing.images()) {
            all.append(image.name()).append('\t').append(image.label()).append('\n');
        }
        lines.add("list");
        lines.add(sha256(all.toString()));
        for (int i = 0; i < subset.length; i++) {
            ImageFolderListing.Image image = listing.images().get(subset[i]);
            lines.add(image.name() + "\t" + image.label());
            lines.add(hashes[i]);
        }
        return Checksum.identity(lines);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "ImageFolderLoader[" + spec.source() + "]";
    }
}
