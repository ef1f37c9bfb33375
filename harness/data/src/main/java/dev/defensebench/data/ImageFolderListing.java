package dev.defensebench.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The images of an image-folder data set and their labels, listed without decoding any: from a root with one
 * sub-folder per class (sorted class names are labels 0, 1, …; PNG and JPEG files found anywhere below each class
 * folder, in sorted order), or from a CSV of {@code path,label} lines. Every problem (missing root, a class folder
 * without images, a CSV line that is malformed or names a missing file) is reported before any image is read.
 *
 * @param images     every image, in listing order
 * @param classNames the class folders' names, or for a CSV the labels as text ("0", "1", …)
 */
public record ImageFolderListing(List<Image> images, List<String> classNames) {

    /** The file extensions read (lower case). */
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg");

    /**
     * One image: its file, its name in the data identity (relative to the root or the CSV's folder, '/'-separated),
     * its label and where it was listed (for errors).
     */
    public record Image(Path file, String name, int label, String listedAt) {}

    /** Copies the lists. */
    public ImageFolderListing {
        images = List.copyOf(images);
        classNames = List.copyOf(classNames);
    }

    /** The number of classes: labels lie in {@code 0..numClasses()-1}. */
    public int numClasses() {
        return classNames.size();
    }

    /** Lists the images of {@code spec}'s root or CSV. */
    public static ImageFolderListing of(ImageFolderSpec spec) throws IOException {
        return spec.root() != null ? ofRoot(spec.root()) : ofCsv(spec.csv(), spec.numClasses());
    }

    /** One class per sub-folder of {@code root}, in sorted order. */
    public static ImageFolderListing ofRoot(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new DataUnavailableException(root + ": the image folder's root " + (Files.exists(root)
                    ? "is not a directory" : "does not exist"), List.of());
        }
        List<Path> classDirs;
        try (Stream<Path> s = Files.list(root)) {
            classDirs = s.filter(Files::isDirectory).sorted().toList();
        }
        if (classDirs.isEmpty()) {
            throw new DatasetFormatException(root, "no class folders: an image folder's root holds one sub-folder of "
                    + "images per class");
        }
        List<Image> images = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int label = 0; label < classDirs.size(); label++) {
            Path dir = classDirs.get(label);
            names.add(dir.getFileName().toString());
            List<Path> files;
            try (Stream<Path> s = Files.walk(dir)) {
                files = s.filter(Files::isRegularFile).filter(ImageFolderListing::isImage).sorted().toList();
            }
            if (files.isEmpty()) {
                throw new DatasetFormatException(dir, "class folder " + label + " '" + dir.getFileName()
                        + "' holds no image (." + String.join(", .", new java.util.TreeSet<>(EXTENSIONS)) + ")");
            }
            for (Path f : files) {
                images.add(new Image(f, relative(root, f), label, "class folder " + dir.getFileName()));
            }
        }
        return new ImageFolderListing(images, names);
    }

    /**
     * The lines {@code path,label} of {@code csv} (an optional first line {@code path,label} is a header; blank lines
     * and lines starting with '#' are skipped); labels are integers in {@code 0..numClasses-1} ({@code numClasses}
     * null: up to the largest label).
     */
    public static ImageFolderListing ofCsv(Path csv, Integer numClasses) throws IOException {
        if (!Files.isRegularFile(csv)) {
            throw new DataUnavailableException(csv + ": the image list " + (Files.exists(csv) ? "is not a file"
                    : "does not exist"), List.of());
        }
        Path base = csv.toAbsolutePath().getParent();
        List<Image> images = new ArrayList<>();
        Set<Path> seen = new HashSet<>();
        int maxLabel = -1;
        try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            int lineNumber = 0;
            for (String line; (line = in.readLine()) != null; ) {
                lineNumber++;
                String text = line.strip();
                if (text.isEmpty() || text.startsWith("#")
                        || lineNumber == 1 && text.replace(" ", "").toLowerCase(Locale.ROOT).equals("path,label")) {
                    continue;
                }
                Image image = csvLine(csv, base, lineNumber, text, numClasses);
                if (!seen.add(image.file().toAbsolutePath().normalize())) {
                    throw new DatasetFormatException(csv, "line " + lineNumber + ": '" + image.name()
                            + "' is listed twice");
                }
                images.add(image);
                maxLabel = Math.max(maxLabel, image.label());
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new DatasetFormatException(csv, "not UTF-8 text: " + e.getMessage());
        }
        if (images.isEmpty()) {
            throw new DatasetFormatException(csv, "lists no image: expected lines 'path,label'");
        }
        int classes = numClasses != null ? numClasses : maxLabel + 1;
        List<String> names = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            names.add(Integer.toString(c));
        }
        return new ImageFolderListing(images, Collections.unmodifiableList(names));
    }

    private static Image csvLine(Path csv, Path base, int lineNumber, String text, Integer numClasses)
            throws DatasetFormatException {
        String at = "line " + lineNumber + ": ";
        int comma = text.lastIndexOf(',');
        if (comma <= 0) {
            throw new DatasetFormatException(csv, at + "expected 'path,label', found '" + excerpt(text) + "'");
        }
        String path = text.substring(0, comma).strip();
        String labelText = text.substring(comma + 1).strip();
        int label;
        try {
            label = Integer.parseInt(labelText);
        } catch (NumberFormatException e) {
            throw new DatasetFormatException(csv, at + "the label '" + excerpt(labelText)
                    + "' is not an integer (labels are class indices 0, 1, …)");
        }
        if (label < 0 || numClasses != null && label >= numClasses) {
            throw new DatasetFormatException(csv, at + "label " + label + " is outside 0.."
                    + (numClasses == null ? "" : Integer.toString(numClasses - 1)) + (numClasses == null ? " (labels are "
                    + "non-negative)" : " ('num_classes' is " + numClasses + ")"));
        }
        Path file;
        try {
            file = base.resolve(path).normalize();
        } catch (java.nio.file.InvalidPathException e) {
            throw new DatasetFormatException(csv, at + "'" + excerpt(path) + "' is not a valid path");
        }
        if (!Files.isRegularFile(file)) {
            throw new DatasetFormatException(csv, at + "image '" + excerpt(path) + "' does not exist (" + file + ")");
        }
        if (!isImage(file)) {
            throw new DatasetFormatException(csv, at + "'" + excerpt(path) + "' is not a PNG or JPEG file name ("
                    + String.join(", ", new java.util.TreeSet<>(EXTENSIONS)) + ")");
        }
        return new Image(file, path.replace('\\', '/'), label, csv.getFileName() + " line " + lineNumber);
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    private static String excerpt(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }
}
