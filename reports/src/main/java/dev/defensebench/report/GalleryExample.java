package dev.defensebench.report;

import java.util.Objects;

/**
 * One adversarial example kept for the entry page: the clean and adversarial image in display range
 * [0, 1] (channels × height × width, row-major), the labels and the perturbation's size.
 *
 * @param model                 the entry id
 * @param attack                the attack id
 * @param norm                  the attack's norm
 * @param epsilon               the budget the example was made at
 * @param label                 the true class
 * @param cleanPrediction       the model's class for the clean image
 * @param adversarialPrediction the model's class for the adversarial image
 * @param channels              image channels
 * @param height                image height
 * @param width                 image width
 * @param clean                 clean pixels in [0, 1]
 * @param adversarial           adversarial pixels in [0, 1]
 * @param perturbationNorm      ‖x_adv − x‖ in the attack's norm, in model input units
 */
public record GalleryExample(String model, String attack, String norm, double epsilon, int label, int cleanPrediction,
        int adversarialPrediction, int channels, int height, int width, float[] clean, float[] adversarial,
        double perturbationNorm) {

    /** Checks the pixel arrays against the shape. */
    public GalleryExample {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(attack, "attack");
        Objects.requireNonNull(norm, "norm");
        int size = channels * height * width;
        if (clean == null || adversarial == null || clean.length != size || adversarial.length != size) {
            throw new IllegalArgumentException("gallery example of '" + model + "': expected " + size
                    + " pixels (" + channels + "x" + height + "x" + width + ") in clean and adversarial");
        }
    }

    /** Whether the attack changed the prediction. */
    public boolean fooled() {
        return adversarialPrediction != label;
    }
}
