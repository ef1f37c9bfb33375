package dev.defensebench.app.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.*;
import ai.djl.ndarray.types.*;
import ai.djl.nn.Block;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.attacks.Pgd;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.model.*;
import dev.defensebench.spi.*;
import dev.defensebench.train.*;
import java.nio.file.*;
import java.util.*;

/**
 * A developer probe for docs/benchmarks.md, "Real-scale rows" (not part of the build; profile.sh compiles it against
 * the built harness): one untimed plain step, then REPS runs of the plain SGD step or of PGD-10 (the bench's rows) on
 * a seeded 3x32x32 batch, with the wall seconds, the process's user and system CPU seconds and minor page faults
 * (/proc/self/stat) per run; with a TRACE path, libtorch's profiler writes a chrome trace of the timed runs.
 * Arguments: ARCH plain|pgd BATCH REPS [TRACE].
 */
public class ProfileScale {
    static long[] stat() throws Exception {
        String s = Files.readString(Path.of("/proc/self/stat"));
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        // the fields after the command name: minflt (field 10) at 7, utime (14) at 11, stime (15) at 12, in ticks of 1/100 s
        return new long[] {Long.parseLong(f[7]), Long.parseLong(f[11]), Long.parseLong(f[12])};
    }
    public static void main(String[] a) throws Exception {
        String arch = a[0]; String row = a[1]; int batch = Integer.parseInt(a[2]); int reps = Integer.parseInt(a[3]);
        String trace = a.length > 4 ? a[4] : null;
        Engine.getInstance().setRandomSeed(0);
        NDManager manager = NDManager.newBaseManager();
        Block block = Plugins.discover().architecture(arch).build(new Shape(3, 32, 32), 10);
        block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
        BlockClassifier model = new BlockClassifier(block, 10, InputBox.uniform(0, 1, new Shape(3, 32, 32))).inMode(ForwardMode.TRAINING);
        SgdOptimizer opt = new SgdOptimizer(block, manager, 0.9, 5e-4);
        NDArray x = manager.randomUniform(0, 1, new Shape(batch, 3, 32, 32));
        NDArray y = manager.randomInteger(0, 10, new Shape(batch), DataType.INT64);
        Random random = new Random(0);
        Runnable plain = () -> {
            try (NDScope scope = new NDScope()) {
                NDList g = Autograd.recording(() -> opt.gradients(Losses.crossEntropy(model.logits(x), y)));
                opt.update(g, 0.01f);
                opt.weights().get(0).sum().getFloat();
            }
        };
        Runnable pgd = () -> {
            try (NDScope scope = new NDScope()) {
                Pgd.perturb(model.inMode(ForwardMode.INFERENCE), x, Pgd.crossEntropy(y), Norm.LINF, 8.0 / 255,
                        TrainingThroughput.CIFAR_PGD.pgd(), random).sum().getFloat();
            }
        };
        Runnable body = row.equals("plain") ? plain : pgd;
        plain.run(); // warm-up
        if (trace != null) ai.djl.pytorch.jni.JniUtils.startProfile(false, true, false);
        long[] s0 = stat(); long t0 = System.nanoTime();
        for (int i = 0; i < reps; i++) body.run();
        long t1 = System.nanoTime(); long[] s1 = stat();
        if (trace != null) ai.djl.pytorch.jni.JniUtils.stopProfile(trace);
        System.out.printf(Locale.ROOT, "%s %s batch %d threads %d: %.3f s/rep wall, user %.2f sys %.2f s/rep, minflt %d/rep%n",
                arch, row, batch, ai.djl.pytorch.jni.JniUtils.getNumThreads(), (t1 - t0) / 1e9 / reps,
                (s1[1] - s0[1]) / 100.0 / reps, (s1[2] - s0[2]) / 100.0 / reps, (s1[0] - s0[0]) / reps);
    }
}
