package dev.defensebench.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.autograd.PassCounter;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.model.ForwardMode;
import dev.defensebench.model.ModelFiles;
import dev.defensebench.spi.Examples;
import dev.defensebench.spi.TrainedModel;
import dev.defensebench.spi.TrainingBudget;
import dev.defensebench.spi.TrainingRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The mini-batch SGD loop every defense trains with: seeded initialisation, shuffling and augmentation,
 * momentum, weight decay, the learning-rate schedule (evaluated every step), a progress line with the
 * defense's terms, accuracy and throughput.
 *
 * <p>Each step runs in its own {@link NDScope}, so the native memory of a step is released when the
 * step ends. Parameter gradients come from {@link Autograd#gradients}, never from {@code .grad}
 * accumulation, so nothing of a step's graph outlives it.
 */
public final class SgdTraining {

    /** Mixed into the training seed so the augmentation draws differ from the shuffling stream. */
    static final long AUGMENTATION_SALT = 0x41554720L;

    private SgdTraining() {}

    /** Builds, initialises (or loads the initial weights of) and trains the request's network. */
    public static TrainedModel train(TrainingRequest request, SgdSettings settings, BatchLoss loss, String label) {
        return train(request, settings, loss, label, AfterStep.NONE);
    }

    /** As {@link #train(TrainingRequest, SgdSettings, BatchLoss, String)}, running {@code afterStep} after every step. */
    public static TrainedModel train(
            TrainingRequest request, SgdSettings settings, BatchLoss loss, String label, AfterStep afterStep) {
        NDManager manager = NDManager.newBaseManager(request.device());
        try {
            Block block = initialise(request, manager, DataType.FLOAT32);
            if (request.initialWeights() == null && settings.initStd() > 0) {
                redrawWeights(block, settings.initStd());
            }
            return run(block, manager, request, settings, loss, label, afterStep);
        } catch (RuntimeException | Error e) {
            manager.close();
            throw e;
        }
    }

    /** A fresh network for the request, initialised from its seed, or loaded from its initial weights. */
    public static Block initialise(TrainingRequest request, NDManager manager, DataType type) {
        Engine.getInstance().setRandomSeed((int) request.seed());
        Block block = request.architecture().get();
        Shape batchShape = new Shape(1).addAll(request.data().sampleShape());
        block.initialize(manager, type, batchShape);
        if (request.initialWeights() != null) {
            ModelFiles.loadParameters(block, manager, request.initialWeights());
        }
        return block;
    }

    /**
     * Re-initialises a fresh network matconvnet style: every weight (a parameter of two or more
     * dimensions) from N(0, std²), every bias 0, from the engine's seeded generator; BatchNorm's and
     * other parameters keep their initialisation. With raw-pixel
     * inputs (the {@code paper} preprocessing) the default Xavier scale leaves the weights of pixels
     * that are rarely inked in training far larger than the learned ones, which ruins generalisation.
     */
    static void redrawWeights(Block block, double std) {
        Autograd.notRecording(() -> {
            for (Pair<String, Parameter> p : block.getParameters()) {
                Parameter.Type type = p.getValue().getType();
                if (type != Parameter.Type.WEIGHT && type != Parameter.Type.BIAS) {
                    continue;
                }
                NDArray w = p.getValue().getArray();
                NDArray fresh = w.getShape().dimension() >= 2
                        ? w.getManager().randomNormal(0f, (float) std, w.getShape(), w.getDataType())
                        : w.zerosLike();
                w.muli(0).addi(fresh);
                fresh.close();
            }
            return null;
        });
    }

    private static TrainedModel run(
            Block block, NDManager manager, TrainingRequest request, SgdSettings s, BatchLoss loss, String label,
            AfterStep afterStep) {
        Examples data = request.data();
        // The objective sees the network in training mode (BatchNorm on batch statistics, running ones
        // updated); a defense switches its inner attack to another mode itself.
        BlockClassifier model = new BlockClassifier(block, data.numClasses(), data.box()).inMode(ForwardMode.TRAINING);
        SgdOptimizer optimizer = new SgdOptimizer(block, manager, s.momentum(), s.weightDecay());
        Random shuffle = new Random(request.seed());
        Random augmentRandom = new Random(request.seed() ^ AUGMENTATION_SALT);
        Augmentation augmentation = Augmentation.resolve(s.augmentation(), data.sampleShape(), data.box().lower());
        int n = data.size();
        int per = (int) data.sampleShape().size();
        int stepsPerEpoch = (n + s.batchSize() - 1) / s.batchSize();
        List<Double> epochSeconds = new ArrayList<>();
        Map<String, Double> lastMeans = new LinkedHashMap<>();
        PassCounter.Snapshot passesBefore = PassCounter.snapshot();
        long imagesSeen = 0;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int epoch = 0; epoch < s.epochs(); epoch++) {
            int stepInEpoch = 0;
            shuffle(order, shuffle);
            request.progress().start(String.format(Locale.ROOT, "train (%s) epoch %d/%d", label, epoch + 1, s.epochs()),
                    stepsPerEpoch);
            Map<String, Double> sums = new LinkedHashMap<>();
            long correct = 0;
            long seen = 0;
            long start = System.nanoTime();
            for (int b = 0; b < n; b += s.batchSize()) {
                int size = Math.min(s.batchSize(), n - b);
                float[] xs = new float[size * per];
                long[] ys = new long[size];
                for (int i = 0; i < size; i++) {
                    int src = order[b + i];
                    System.arraycopy(data.inputs(), src * per, xs, i * per, per);
                    ys[i] = data.labels()[src];
                }
                augmentation.apply(xs, size, data.sampleShape(), augmentRandom);
                float lr = (float) s.schedule().rateAt(epoch, b / s.batchSize(), stepsPerEpoch);
                try (NDScope scope = new NDScope()) {
                    NDArray x = manager.create(xs, new Shape(size).addAll(data.sampleShape()));
                    NDArray y = manager.create(ys);
                    Map<String, Float> values = step(model, optimizer, loss, x, y, lr);
                    Autograd.notRecording(() -> {
                        afterStep.apply(block);
                        return null;
                    });
                    stepInEpoch++;
                    try {
                        requireFinite(block, values.get("loss"), epoch + 1, stepInEpoch, stepsPerEpoch);
                    } catch (TrainingDivergedException e) {
                        request.progress().finish(label + " stopped: " + e.getMessage());
                        throw e;
                    }
                    correct += values.remove("correct").longValue();
                    seen += size;
                    values.forEach((k, v) -> sums.merge(k, (double) v * size, Double::sum));
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                request.progress().advance(1, status(sums, seen, correct, seconds));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            epochSeconds.add(seconds);
            imagesSeen += seen;
            lastMeans.clear();
            final long seenFinal = seen;
            sums.forEach((k, v) -> lastMeans.put(k, v / seenFinal));
            lastMeans.put("train_accuracy", seen == 0 ? Double.NaN : (double) correct / seen);
            request.progress().finish(String.format(Locale.ROOT, "train (%s) epoch %d/%d: %s (%.1f s)",
                    label, epoch + 1, s.epochs(), status(sums, seen, correct, seconds), seconds));
        }
        PassCounter.Snapshot passes = PassCounter.snapshot().since(passesBefore);
        TrainingBudget budget = new TrainingBudget(imagesSeen, passes.forward(), passes.backward(),
                epochSeconds.stream().mapToDouble(Double::doubleValue).sum());
        return new TrainedModel(block, manager, epochSeconds, lastMeans, new LinkedHashMap<>(), budget);
    }

    private static Map<String, Float> step(
            BlockClassifier model, SgdOptimizer optimizer, BatchLoss loss, NDArray x, NDArray y, float lr) {
        Map<String, Float> values = new LinkedHashMap<>();
        NDList grads = Autograd.recording(() -> {
            LossTerms terms = loss.compute(model, x, y);
            NDList g = optimizer.gradients(terms.total());
            PassCounter.backward(x.getShape().get(0)); // the parameter gradient: one backward pass of the batch
            values.put("loss", scalar(terms.total()));
            terms.terms().forEach((k, v) -> values.put(k, scalar(v)));
            NDArray predicted = terms.logits().argMax(1);
            values.put("correct", scalar(predicted.eq(y).sum()));
            return g;
        });
        optimizer.update(grads, lr);
        return values;
    }

    /**
     * Stops the training when the step's loss or any weight after it is NaN or infinite: a diverged
     * network is no model, and every later step would only carry the NaN along.
     */
    static void requireFinite(Block block, float loss, int epoch, int step, int steps) {
        String where = String.format(Locale.ROOT, "at epoch %d, step %d of %d", epoch, step, steps);
        if (!Float.isFinite(loss)) {
            throw new TrainingDivergedException("non-finite loss (" + loss + ") " + where
                    + " (a learning rate too high is the usual cause)");
        }
        String bad = nonFiniteParameter(block);
        if (bad != null) {
            throw new TrainingDivergedException("non-finite weights in parameter '" + bad + "' " + where
                    + " (a learning rate too high is the usual cause)");
        }
    }

    /** The name of the first parameter of {@code block} holding a NaN or an infinity, or null when all are finite. */
    public static String nonFiniteParameter(Block block) {
        return Autograd.notRecording(() -> {
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray w = p.getValue().getArray();
                try (NDArray nan = w.isNaN(); NDArray inf = w.isInfinite(); NDArray either = nan.logicalOr(inf);
                        NDArray any = either.any()) {
                    if (any.getBoolean()) {
                        return p.getKey();
                    }
                }
            }
            return null;
        });
    }

    private static float scalar(NDArray value) {
        return value.toType(DataType.FLOAT32, false).getFloat();
    }

    private static String status(Map<String, Double> sums, long seen, long correct, double seconds) {
        StringBuilder sb = new StringBuilder();
        sums.forEach((k, v) -> sb.append(k).append('=').append(format(v / Math.max(1, seen))).append(' '));
        sb.append(String.format(Locale.ROOT, "acc=%.2f%% %.0f img/s",
                100.0 * correct / Math.max(1, seen), seen / Math.max(1e-9, seconds)));
        return sb.toString();
    }

    private static String format(double v) {
        return Math.abs(v) >= 0.01 || v == 0 ? String.format(Locale.ROOT, "%.4f", v) : String.format(Locale.ROOT, "%.3e", v);
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }
}
