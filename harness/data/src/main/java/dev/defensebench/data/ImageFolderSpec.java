package dev.defensebench.data;

import java.nio.file.Path;

/**
 * Where an image-folder data set lives and how its images become network inputs: either a {@code root} with one
 * sub-folder per class (class names sorted, as torchvision's {@code ImageFolder} does) or a {@code csv} of
 * {@code path,label} lines; each image's shorter side resized to {@code resize}, then centre-cropped to
 * {@code crop}×{@code crop}; a seeded subset of {@code subsetSize} images.
 *
 * @param root       the folder of class folders, or null when {@code csv} is given
 * @param csv        a CSV file of {@code path,label} lines (paths relative to the CSV's folder), or null
 * @param numClasses with {@code csv}: the number of classes (null: the largest label plus one); with a root: null
 * @param resize     the shorter side after resizing, at least {@code crop}
 * @param crop       the side of the square centre crop
 * @param subsetSize how many images are scored (the experiment's {@code test_size})
 * @param seed       the seed of the subset's draw
 */
public record ImageFolderSpec(Path root, Path csv, Integer numClasses, int resize, int crop, int subsetSize, long seed) {

    /** Checks that exactly one of {@code root} and {@code csv} is given and that the sizes are positive. */
    public ImageFolderSpec {
        if ((root == null) == (csv == null)) {
            throw new IllegalArgumentException("an image folder needs exactly one of 'root' (one folder per class) and "
                    + "'csv' (path,label lines), found " + (root == null ? "neither" : "both"));
        }
        if (numClasses != null && (csv == null || numClasses <= 0)) {
            throw new IllegalArgumentException(csv == null ? "'num_classes' applies to a 'csv' only: a root's class count "
                    + "is its number of class folders" : "'num_classes' must be > 0, found " + numClasses);
        }
        if (crop <= 0 || resize < crop) {
            throw new IllegalArgumentException("'crop' must be > 0 and 'resize' at least 'crop', found resize " + resize
                    + " and crop " + crop);
        }
        if (subsetSize <= 0) {
            throw new IllegalArgumentException("the subset size must be > 0, found " + subsetSize);
        }
    }

    /** The resize torchvision's ImageNet evaluation pairs with a crop: 256 for 224, in proportion otherwise. */
    public static int defaultResize(int crop) {
        return (int) Math.round(crop * 256.0 / 224.0);
    }

    /** Where the images are listed: the root or the CSV file. */
    public Path source() {
        return root != null ? root : csv;
    }
}
