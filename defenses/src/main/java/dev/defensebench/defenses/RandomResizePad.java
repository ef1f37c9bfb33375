package dev.defensebench.defenses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.spi.Defense;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.InputTransform;
import dev.defensebench.spi.ParamSpec;
import dev.defensebench.spi.TrainedModel;
import dev.defensebench.spi.TrainingRequest;
import java.util.List;
import java.util.Random;

/**
 * Random resizing and padding at test time (Xie et al. 2018): the image is resized (nearest neighbour) to a
 * random side {@code s} from {@code min_size} to its own side and placed at a random offset in a canvas of
 * its own size, the rest filled with the box's lower bound (black). Every sample gets its own draw on
 * every forward (the authors' code draws once per batch; per sample keeps a test set's numbers from
 * resting on a few draws). Randomized and differentiable (a gather of pixels per draw); Athalye,
 * Carlini, Wagner (2018) break it with EOT. Square images only. Wraps its {@code init_from} model
 * without retraining it.
 */
public final class RandomResizePad implements Defense {

    @Override
    public String name() {
        return "random-resize-pad";
    }

    @Override
    public String description() {
        return "random resize (nearest) and pad at test time (Xie et al. 2018), over the init_from model, no training";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(ParamSpec.ofInt("min_size", 22, "smallest side the image is resized to (at most its own side)"));
    }

    @Override
    public void validate(Hyperparameters params) {
        if (params.getInt("min_size") < 1) {
            throw new IllegalArgumentException("'min_size' must be at least 1, found " + params.getInt("min_size"));
        }
    }

    @Override
    public InputTransform inputTransform(Hyperparameters params, InputBox box) {
        validate(params);
        Shape shape = box.sampleShape();
        int minSize = params.getInt("min_size");
        if (shape.dimension() != 3 || shape.get(1) != shape.get(2) || minSize > shape.get(1)) {
            throw new IllegalArgumentException("defense 'random-resize-pad' needs square images (C, S, S) with min_size "
                    + "at most S; found shape " + shape + " and min_size " + minSize);
        }
        return new ResizePad(minSize, box);
    }

    @Override
    public TrainedModel train(TrainingRequest request) {
        validate(request.params());
        return ParentWeights.load(request, name(), inputTransform(request.params(), request.data().box()).describe());
    }

    /** One draw: side {@code size} placed at ({@code top}, {@code left}) in an S×S canvas. */
    record Placement(int side, int size, int top, int left) {

        /** A uniform draw of the size from {@code minSize} to {@code side}, then of the offset. */
        static Placement draw(int side, int minSize, Random random) {
            int size = minSize + random.nextInt(side - minSize + 1);
            return new Placement(side, size, random.nextInt(side - size + 1), random.nextInt(side - size + 1));
        }

        /** Per output pixel (row-major), the input pixel it copies, or -1 for padding. */
        int[] sources() {
            int[] source = new int[side * side];
            for (int i = 0; i < side; i++) {
                for (int j = 0; j < side; j++) {
                    int r = i - top;
                    int c = j - left;
                    boolean inside = r >= 0 && r < size && c >= 0 && c < size;
                    source[i * side + j] = inside ? (r * side / size) * side + c * side / size : -1;
                }
            }
            return source;
        }
    }

    /** The resize-and-pad of every sample (its own draw) as a gather of input pixels, padding filled in. */
    record ResizePad(int minSize, InputBox box) implements InputTransform {

        @Override
        public NDArray apply(NDArray inputs, Random random) {
            int n = (int) inputs.getShape().get(0);
            int channels = (int) box.sampleShape().get(0);
            int side = (int) box.sampleShape().get(1);
            int pixels = side * side;
            long[] index = new long[n * channels * pixels];
            float[] keep = new float[n * channels * pixels];
            float[] fill = new float[n * channels * pixels];
            for (int i = 0; i < n; i++) {
                int[] source = Placement.draw(side, minSize, random).sources();
                for (int k = 0; k < channels; k++) {
                    for (int out = 0; out < pixels; out++) {
                        int at = (i * channels + k) * pixels + out;
                        index[at] = Math.max(source[out], 0);
                        keep[at] = source[out] >= 0 ? 1 : 0;
                        fill[at] = source[out] >= 0 ? 0 : box.lower()[k * pixels + out];
                    }
                }
            }
            NDManager m = inputs.getManager();
            Shape rows = new Shape((long) n * channels, pixels);
            NDArray gathered = inputs.reshape(rows).gather(m.create(index, rows), 1);
            return gathered.mul(m.create(keep, rows).toType(inputs.getDataType(), false))
                    .add(m.create(fill, rows).toType(inputs.getDataType(), false)).reshape(inputs.getShape());
        }

        @Override
        public String describe() {
            return "random resize to " + minSize + ".." + box.sampleShape().get(1) + " and pad";
        }
    }
}
