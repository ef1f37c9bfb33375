package dev.defensebench.app.timing;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.app.run.Networks;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ThreatModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The JMH benchmarks of one trained model, run programmatically by {@link TimingRunner}: inference of a
 * batch of {@code batch} test images (latency with batch 1, throughput with a large batch) and one attack
 * run on a batch. Inputs are created once in the setup, so a call measures the forward pass (or the
 * attack) and the read-back of its result, not the copy of the inputs.
 */
@State(Scope.Benchmark)
public class ModelBenchmarks {

    /** Path of the {@link BenchmarkSetup} JSON file. */
    @Param("")
    public String setup;

    /** Images per call. */
    @Param("1")
    public int batch;

    private NDManager manager;
    private BlockClassifier model;
    private NDArray inputs;
    private NDArray labels;
    private Attack attack;
    private Hyperparameters attackParams;
    private ThreatModel threat;
    private long seed;

    /** Rebuilds the model and its inputs from the setup file. */
    @Setup(Level.Trial)
    public void load() throws IOException {
        BenchmarkSetup s = BenchmarkSetup.read(setup);
        if (batch > s.count()) {
            throw new IllegalArgumentException("batch " + batch + " > " + s.count() + " images in " + setup);
        }
        Device device = s.device().equals("gpu") ? Device.gpu() : Device.cpu();
        manager = NDManager.newBaseManager(device);
        Shape sampleShape = new Shape(s.sampleShape());
        Plugins plugins = Plugins.discover();
        Block block = Networks.load(s.network(plugins), sampleShape, s.numClasses(), manager,
                Files.readAllBytes(Path.of(s.parameters())));
        model = new BlockClassifier(block, s.numClasses(), new InputBox(s.lower(), s.upper(), sampleShape));
        int per = (int) sampleShape.size();
        inputs = manager.create(Arrays.copyOf(s.inputs(), batch * per), new Shape(batch).addAll(sampleShape));
        labels = manager.create(Arrays.copyOf(s.labels(), batch));
        if (s.attack() != null) {
            attack = plugins.attack(s.attack());
            attackParams = Hyperparameters.resolve("attack '" + s.attack() + "'", attack.parameters(), s.attackParams());
            threat = new ThreatModel(Norm.parse(s.norm()), List.of(s.epsilon()));
            seed = s.seed();
        }
    }

    /** Frees the model and inputs. */
    @TearDown(Level.Trial)
    public void close() {
        if (manager != null) {
            manager.close();
        }
    }

    /** One forward pass of {@code batch} images; returns the predicted classes. */
    @Benchmark
    public long[] inference() {
        try (NDScope scope = new NDScope()) {
            return model.predict(inputs).toLongArray();
        }
    }

    /** One attack run on {@code batch} images; returns how many it fooled. */
    @Benchmark
    public int attack() {
        try (NDScope scope = new NDScope()) {
            AttackResult result = attack.run(model, inputs, labels, threat, attackParams, seed);
            int fooled = 0;
            for (boolean s : result.outcomes().get(0).success()) {
                fooled += s ? 1 : 0;
            }
            return fooled;
        }
    }
}
