package dev.defensebench.app.config;

import dev.defensebench.data.ImageFolderLoader;
import java.util.List;
import java.util.Set;

/**
 * The {@code image_folder:} section of an experiment with {@code dataset: imagefolder}: the user's own images,
 * scored (never trained on) by imported models. See {@code docs/image-folders.md}.
 *
 * @param root       a folder with one sub-folder of PNG/JPEG images per class (class names sorted), relative to
 *                   the working directory; or null with {@code csv}
 * @param csv        a CSV file of {@code path,label} lines (paths relative to its folder); or null with {@code root}
 * @param numClasses with {@code csv}: the number of classes, e.g. 1000 (default: the largest label plus one)
 * @param resize     the shorter side of every image after resizing (default: {@code crop · 256/224}, 256 for 224)
 * @param crop       the side of the centre crop (default: the imported models' input height and width)
 * @param seed       the seed of the {@code test_size} images drawn from the folder (default 0)
 */
public record ImageFolderConfig(String root, String csv, Integer numClasses, Integer resize, Integer crop, Long seed) {

    /** The preprocessings an image folder allows: nothing is fitted, as there are no training images. */
    static final Set<String> PREPROCESSINGS = Set.of("unit", "imagenet");

    /** Defaults the seed to 0. */
    public ImageFolderConfig {
        seed = seed == null ? 0L : seed;
    }

    /** What is wrong with the image-folder keys of {@code e} (one sentence), or null when nothing is. */
    static String problem(ExperimentFile e) {
        boolean folder = ImageFolderLoader.NAME.equals(e.dataset());
        ImageFolderConfig c = e.imageFolder();
        if (!folder) {
            return c == null ? null : "'image_folder' applies to 'dataset: imagefolder' only (the dataset is '" + e.dataset() + "')";
        }
        if (c == null) {
            return "'dataset: imagefolder' needs an 'image_folder' section with 'root' (one folder of images per class) "
                    + "or 'csv' (a file of path,label lines)";
        }
        if ((c.root() == null) == (c.csv() == null)) {
            return "image_folder: give exactly one of 'root' (one folder of images per class) and 'csv' (path,label lines), found "
                    + (c.root() == null ? "neither" : "both");
        }
        if (c.numClasses() != null && (c.csv() == null || c.numClasses() <= 0)) {
            return c.csv() == null ? "image_folder: 'num_classes' applies to a 'csv' only (a root has one class per folder)"
                    : "image_folder: 'num_classes' must be > 0, found " + c.numClasses();
        }
        if (c.crop() != null && c.crop() <= 0 || c.resize() != null && c.resize() <= 0) {
            return "image_folder: 'crop' and 'resize' must be > 0, found " + c.crop() + " and " + c.resize();
        }
        if (c.crop() != null && c.resize() != null && c.resize() < c.crop()) {
            return "image_folder: 'resize' (" + c.resize() + ") must be at least 'crop' (" + c.crop() + ")";
        }
        if (!PREPROCESSINGS.contains(e.preprocessing())) {
            return "'preprocessing: " + e.preprocessing() + "' is fitted on training images, which an image folder does not "
                    + "have; use 'imagenet' (ImageNet's channel mean and std) or 'unit' (pixels/255, for a model that "
                    + "normalises inside)";
        }
        if (e.trainSize() != null) {
            return "'train_size' does not apply to an image folder: its images are only scored";
        }
        List<ModelEntry> models = e.models();
        for (int i = 0; i < models.size(); i++) {
            if (!models.get(i).isImported()) {
                return "models[" + i + "] '" + models.get(i).name() + "': an image folder has no training images, so only "
                        + "imported ('onnx') entries can be scored on it";
            }
        }
        return null;
    }
}
