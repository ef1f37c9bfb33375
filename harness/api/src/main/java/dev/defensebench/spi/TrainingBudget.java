package dev.defensebench.spi;

/**
 * What a training run spent, in units that compare across defenses and machines: the images it trained on
 * (epochs × training images), the image-passes through the network forward (one per image per network
 * evaluation: an attack's iterations inside adversarial training count, as does Deep Defense's unrolled
 * DeepFool) and backward (one per image per backward pass, input and parameter gradients alike), and its
 * wall time. Budgets add: a fine-tuned model's budget including its ancestors is the sum along its chain.
 *
 * @param imagesSeen training images processed, counting each epoch
 * @param forwardPasses image-passes through the network forward
 * @param backwardPasses image-passes through the network backward
 * @param seconds wall time of the training
 */
public record TrainingBudget(long imagesSeen, long forwardPasses, long backwardPasses, double seconds) {

    /** Nothing spent: the budget of a model trained elsewhere, or the start of a sum. */
    public static final TrainingBudget NONE = new TrainingBudget(0, 0, 0, 0);

    public TrainingBudget {
        if (imagesSeen < 0 || forwardPasses < 0 || backwardPasses < 0 || !(seconds >= 0)) {
            throw new IllegalArgumentException("a training budget is never negative, found " + imagesSeen + " images, "
                    + forwardPasses + " forward and " + backwardPasses + " backward passes, " + seconds + " s");
        }
    }

    /** This budget and {@code other} together. */
    public TrainingBudget plus(TrainingBudget other) {
        return new TrainingBudget(imagesSeen + other.imagesSeen, forwardPasses + other.forwardPasses,
                backwardPasses + other.backwardPasses, seconds + other.seconds);
    }

    /** Forward image-passes per training image (NaN when no image was seen). */
    public double forwardPerImage() {
        return imagesSeen == 0 ? Double.NaN : (double) forwardPasses / imagesSeen;
    }

    /** Backward image-passes per training image (NaN when no image was seen). */
    public double backwardPerImage() {
        return imagesSeen == 0 ? Double.NaN : (double) backwardPasses / imagesSeen;
    }
}
