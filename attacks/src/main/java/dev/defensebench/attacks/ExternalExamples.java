package dev.defensebench.attacks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.files.NpyFile;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.EpsilonOutcome;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ParamSpec;
import dev.defensebench.spi.ThreatModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * External evaluations (RobustBench's flow): adversarial inputs computed elsewhere, read from a NumPy
 * {@code .npy} file of shape (N, sample shape...), row i for the i-th point of the test subset, in the
 * experiment's preprocessed input space. At every ε of the entry the file's point is offered as this
 * attack's example, claimed where the model misclassifies it; the harness then checks every claim (norm
 * within ε, inside the input box, misclassified: {@code AttackClaims}), counts the valid ones and reports
 * the others as false claims; the entry joins the per-point worst case like any attack.
 */
public final class ExternalExamples implements Attack {

    private Path cachedPath;
    private long cachedModified;
    private NpyFile cached;

    @Override
    public String name() {
        return "external";
    }

    @Override
    public String description() {
        return "adversarial inputs computed elsewhere, read from a .npy file (param path), checked like every attack";
    }

    @Override
    public List<ParamSpec> parameters() {
        return List.of(ParamSpec.ofString("path", "", "the .npy file of adversarial inputs, shape (N, sample shape...), "
                + "float32 or float64, row i for test point i, in the preprocessed input space"));
    }

    @Override
    public Set<Norm> norms() {
        return Set.of(Norm.LINF, Norm.L2);
    }

    @Override
    public AttackTraits traits() {
        return AttackTraits.fixedEpsilon("External", AttackTraits.Access.PRECOMPUTED, null);
    }

    @Override
    public void validate(Hyperparameters params) {
        Path file = file(params);
        try {
            NpyFile.Header header = NpyFile.header(file);
            if (header.shape().length < 2) {
                throw new IllegalArgumentException("'path' " + file + " holds an array of shape "
                        + Arrays.toString(header.shape()) + "; expected (points, sample shape...)");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("'path' " + file + " cannot be read as .npy: " + e.getMessage(), e);
        }
    }

    /** Positions unknown: the batch is taken as the test subset's first points. */
    @Override
    public AttackResult run(Classifier model, NDArray inputs, NDArray labels, ThreatModel threat, Hyperparameters params,
            long seed) {
        return runAt(model, inputs, labels, 0, threat, params, seed);
    }

    @Override
    public AttackResult runAt(Classifier model, NDArray inputs, NDArray labels, int first, ThreatModel threat,
            Hyperparameters params, long seed) {
        Path file = file(params);
        NpyFile examples = load(file);
        Shape shape = inputs.getShape();
        int n = (int) shape.get(0);
        long[] sample = Arrays.copyOfRange(shape.getShape(), 1, shape.dimension());
        long[] found = examples.shape();
        if (!Arrays.equals(Arrays.copyOfRange(found, 1, found.length), sample)) {
            throw new IllegalArgumentException("external: " + file + " holds examples of shape "
                    + Arrays.toString(Arrays.copyOfRange(found, 1, found.length)) + " but the model's inputs are "
                    + Arrays.toString(sample));
        }
        if (first + n > found[0]) {
            throw new IllegalArgumentException("external: " + file + " holds " + found[0] + " examples but the test subset "
                    + "has at least " + (first + n) + " points; set 'test_size' to at most " + found[0]);
        }
        int per = (int) (examples.values().length / found[0]);
        float[] rows = Arrays.copyOfRange(examples.values(), first * per, (first + n) * per);
        NDArray adversarial = inputs.getManager().create(rows, shape).toType(inputs.getDataType(), false);
        long[] predicted = model.predict(adversarial).toLongArray();
        long[] truth = labels.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
        boolean[] claimed = new boolean[n];
        for (int i = 0; i < n; i++) {
            claimed[i] = predicted[i] != truth[i];
        }
        List<EpsilonOutcome> outcomes = new ArrayList<>();
        for (double eps : threat.epsilons()) {
            outcomes.add(new EpsilonOutcome(eps, adversarial, claimed.clone()));
        }
        return new AttackResult(name(), threat.norm(), outcomes, null, null, null, true);
    }

    private static Path file(Hyperparameters params) {
        String path = params.getString("path");
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("'path' must name the .npy file of adversarial inputs");
        }
        return Path.of(path);
    }

    /** The file's array, read once per path and modification time. */
    private synchronized NpyFile load(Path file) {
        try {
            long modified = Files.getLastModifiedTime(file).toMillis();
            if (!file.equals(cachedPath) || modified != cachedModified) {
                cached = NpyFile.read(file);
                cachedPath = file;
                cachedModified = modified;
            }
            return cached;
        } catch (IOException e) {
            throw new UncheckedIOException("external: cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
