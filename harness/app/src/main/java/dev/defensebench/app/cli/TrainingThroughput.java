package dev.defensebench.app.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.attacks.Pgd;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.defenses.InnerPgd;
import dev.defensebench.defenses.PgdAdversarial;
import dev.defensebench.model.Architecture;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.model.ForwardMode;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.train.BatchLoss;
import dev.defensebench.train.LossTerms;
import dev.defensebench.train.Losses;
import dev.defensebench.train.SgdOptimizer;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Training throughput of one architecture on synthetic CIFAR-shaped batches (3×32×32 in [0,1], 10
 * classes, seeded): images per second of a plain SGD step and of a PGD adversarial-training step
 * (10 Linf steps of 2/255 in the 8/255 ball, the CIFAR recipe), each step synchronised before the clock
 * stops. The data's content does not change the cost, so no data set is needed.
 */
final class TrainingThroughput {

    static final Shape SAMPLE = new Shape(3, 32, 32);
    static final int CLASSES = 10;
    static final InnerPgd CIFAR_PGD = new InnerPgd(Norm.LINF, 8.0 / 255, new Pgd.Settings(10, 2.0 / 255, true));

    private TrainingThroughput() {}

    /** Times {@code steps} of each kind after one untimed step and prints images/s to {@code out}. */
    static void run(Architecture architecture, int batch, int steps, Device device, PrintWriter out) {
        Engine.getInstance().setRandomSeed(0);
        try (NDManager manager = NDManager.newBaseManager(device)) {
            Block block = architecture.build(SAMPLE, CLASSES);
            block.initialize(manager, DataType.FLOAT32, new Shape(1).addAll(SAMPLE));
            BlockClassifier model = new BlockClassifier(block, CLASSES, InputBox.uniform(0, 1, SAMPLE))
                    .inMode(ForwardMode.TRAINING);
            SgdOptimizer optimizer = new SgdOptimizer(block, manager, 0.9, 5e-4);
            NDArray x = manager.randomUniform(0, 1, new Shape(batch).addAll(SAMPLE));
            NDArray y = manager.randomInteger(0, CLASSES, new Shape(batch), DataType.INT64);
            BatchLoss plain = (net, xs, ys) -> {
                NDArray logits = net.logits(xs);
                return new LossTerms(Losses.crossEntropy(logits, ys), logits, Map.of());
            };
            BatchLoss pgd = PgdAdversarial.loss(new PgdAdversarial.Settings(CIFAR_PGD, 0), new Random(0));
            Engine engine = Engine.getInstance();
            out.printf(Locale.ROOT, "Training throughput: %s, batch %d, synthetic 3x32x32 inputs, %d classes, device %s "
                    + "(engine %s %s, %d GPU(s) visible), %d threads (torch intra-op), %d timed steps after 1 warm-up%n",
                    architecture.name(), batch, CLASSES, device, engine.getEngineName(), engine.getVersion(),
                    engine.getGpuCount(), ai.djl.pytorch.jni.JniUtils.getNumThreads(), steps);
            report(out, "plain step ", time(model, optimizer, plain, x, y, steps), batch, "cross-entropy, SGD update");
            report(out, "PGD-AT step", time(model, optimizer, pgd, x, y, steps), batch,
                    "10 PGD steps (Linf 8/255, step 2/255) in inference mode + training step");
            out.flush();
        }
    }

    private static void report(PrintWriter out, String what, double seconds, int batch, String detail) {
        out.printf(Locale.ROOT, "  %s %10.3g images/s  (%.1f ms/step; %s)%n", what, batch / seconds, seconds * 1e3, detail);
    }

    /** Mean seconds per step of {@code loss}, after one untimed step. */
    private static double time(BlockClassifier model, SgdOptimizer optimizer, BatchLoss loss, NDArray x, NDArray y,
            int steps) {
        long total = 0;
        for (int s = 0; s <= steps; s++) {
            try (NDScope scope = new NDScope()) {
                long start = System.nanoTime();
                NDList grads = Autograd.recording(() -> optimizer.gradients(loss.compute(model, x, y).total()));
                optimizer.update(grads, 0.01f);
                optimizer.weights().get(0).sum().getFloat(); // wait for the device
                if (s > 0) {
                    total += System.nanoTime() - start;
                }
            }
        }
        return total / 1e9 / steps;
    }

    /** Whether {@code architecture}'s network (built for CIFAR-sized inputs, not initialised) has BatchNorm. */
    static boolean hasBatchNorm(dev.defensebench.model.Architecture architecture) {
        return architecture.build(TrainingThroughput.SAMPLE, TrainingThroughput.CLASSES).getParameters().stream()
                .anyMatch(p -> p.getValue().getType() == ai.djl.nn.Parameter.Type.RUNNING_MEAN);
    }
}
