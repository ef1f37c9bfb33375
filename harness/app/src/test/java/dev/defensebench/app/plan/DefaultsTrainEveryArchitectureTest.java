package dev.defensebench.app.plan;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.spi.Examples;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.ProgressListener;
import dev.defensebench.spi.TrainedModel;
import dev.defensebench.spi.TrainingRequest;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every built-in architecture trains with the vanilla defense's defaults (only {@code epochs} is
 * written): 300 SGD steps on MNIST-sized synthetic strokes must end well above chance and not on one
 * constant prediction. With the former defaults (lr 0.05 for every network) LeNet collapsed here to one class (10%).
 */
@Tag("slow")
class DefaultsTrainEveryArchitectureTest {

    private static final Plugins PLUGINS = Plugins.discover();
    private static final ExperimentLoader LOADER = new ExperimentLoader(PLUGINS, Set.of("mnist", "cifar10"));
    private static final int CLASSES = 10;
    private static final int TRAIN = 6400;
    private static final int TEST = 500;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"mlp, mnist, 1, 28", "lenet, mnist, 1, 28", "convnet, cifar10, 3, 32"})
    void trainsWellAboveChanceWithItsDefaults(String architecture, String dataset, int channels, int side) {
        // batch_size defaults to 128: 6 epochs of 6,400 images are 300 steps
        Experiment experiment = LOADER.parse("defaults.yaml", String.join("\n",
                "name: defaults",
                "dataset: " + dataset,
                "models:",
                "  - {name: plain, defense: vanilla, architectures: [" + architecture + "], params: {epochs: 6}}",
                "attacks:",
                "  - {attack: fgsm, norm: Linf, epsilons: [0.1]}",
                ""));
        Cell cell = Plan.of(experiment, PLUGINS, "a".repeat(64), TRAIN,
                new CodeIdentity("test", "libraries", c -> "code of " + c.getName())).cells().get(0);
        Shape sample = new Shape(channels, side, side);
        Strokes strokes = new Strokes(sample, 7);
        Examples train = strokes.examples(TRAIN, 11);
        Examples test = strokes.examples(TEST, 13);
        var arch = PLUGINS.architecture(architecture);
        TrainingRequest request = new TrainingRequest(train, () -> arch.build(sample, CLASSES), cell.params(), 0,
                Device.cpu(), null, ProgressListener.SILENT);
        try (TrainedModel trained = PLUGINS.defense("vanilla").train(request);
                NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            BlockClassifier model = new BlockClassifier(trained.block(), CLASSES, test.box());
            long[] predicted = model.predict(manager.create(test.inputs(), new Shape(TEST).addAll(sample))).toLongArray();
            int correct = 0;
            int[] perClass = new int[CLASSES];
            for (int i = 0; i < TEST; i++) {
                correct += predicted[i] == test.labels()[i] ? 1 : 0;
                perClass[(int) predicted[i]]++;
            }
            double accuracy = (double) correct / TEST;
            int mostPredicted = java.util.Arrays.stream(perClass).max().orElseThrow();
            assertThat(accuracy).as("%s test accuracy with lr %s", architecture, cell.params().getDouble("lr"))
                    .isGreaterThan(0.8);
            assertThat(mostPredicted).as("%s predictions of its most predicted class", architecture).isLessThan(TEST / 3);
        }
    }

    /**
     * A learnable, MNIST-like task: each class is five random strokes of ink (1.0, 3 pixels wide) on a black (0)
     * background, drawn at a random shift of up to ±3 pixels with faint noise, in every channel.
     */
    private record Strokes(Shape sample, long seed) {

        Examples examples(int count, long drawSeed) {
            int channels = (int) sample.get(0);
            int side = (int) sample.get(1);
            float[][] templates = templates(side);
            Random random = new Random(drawSeed);
            int per = channels * side * side;
            float[] inputs = new float[count * per];
            int[] labels = new int[count];
            for (int k = 0; k < count; k++) {
                labels[k] = k % CLASSES;
                int dx = random.nextInt(7) - 3;
                int dy = random.nextInt(7) - 3;
                for (int c = 0; c < channels; c++) {
                    for (int y = 0; y < side; y++) {
                        for (int x = 0; x < side; x++) {
                            int sx = x - dx;
                            int sy = y - dy;
                            float ink = sx >= 0 && sy >= 0 && sx < side && sy < side ? templates[labels[k]][sy * side + sx] : 0;
                            float v = ink + 0.05f * (float) random.nextGaussian();
                            inputs[k * per + (c * side + y) * side + x] = Math.max(0, Math.min(1, v));
                        }
                    }
                }
            }
            return new Examples(inputs, labels, sample, CLASSES, InputBox.uniform(0, 1, sample));
        }

        private float[][] templates(int side) {
            Random random = new Random(seed);
            float[][] out = new float[CLASSES][side * side];
            for (int c = 0; c < CLASSES; c++) {
                for (int s = 0; s < 5; s++) {
                    double x0 = 4 + random.nextDouble() * (side - 8);
                    double y0 = 4 + random.nextDouble() * (side - 8);
                    double x1 = 4 + random.nextDouble() * (side - 8);
                    double y1 = 4 + random.nextDouble() * (side - 8);
                    for (int t = 0; t <= 40; t++) {
                        int x = (int) Math.round(x0 + (x1 - x0) * t / 40);
                        int y = (int) Math.round(y0 + (y1 - y0) * t / 40);
                        for (int oy = 0; oy < 3; oy++) {
                            for (int ox = 0; ox < 3; ox++) {
                                out[c][Math.min(side - 1, y + oy) * side + Math.min(side - 1, x + ox)] = 1;
                            }
                        }
                    }
                }
            }
            return out;
        }
    }
}
