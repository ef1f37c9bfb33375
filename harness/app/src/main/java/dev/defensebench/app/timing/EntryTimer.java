package dev.defensebench.app.timing;

import ai.djl.Device;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.defensebench.app.config.AttackEntry;
import dev.defensebench.app.config.ResolvedAttack;
import dev.defensebench.app.config.TimingConfig;
import dev.defensebench.app.plan.CacheKeys;
import dev.defensebench.files.DigestedFile;
import dev.defensebench.files.Json;
import dev.defensebench.report.Machine;
import dev.defensebench.report.TimingMeasurement;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Examples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timing stage of a run: for each trained entry, writes the {@link BenchmarkSetup} files under
 * {@code OUT/timing/<cell>/}, runs the JMH benchmarks through {@link TimingRunner}, and keeps the
 * measurements in a file named by a hash of everything they depend on (cell, JMH settings, timed
 * attacks, hardware), so a resumed run reuses them.
 */
public final class EntryTimer {

    private static final Logger LOG = LoggerFactory.getLogger(EntryTimer.class);

    private final TimingConfig config;
    private final Map<String, ResolvedAttack> attacks = new LinkedHashMap<>();
    private final Device device;
    private final Machine machine;
    private final TimingRunner runner;

    /**
     * Times with {@code config} the experiment's {@code suite} attacks that the config selects (by default,
     * as their traits declare, the first that gives ρ2 and the first iterative fixed-ε gradient attack), on
     * {@code device}.
     */
    public EntryTimer(TimingConfig config, List<ResolvedAttack> suite, Device device) {
        this.config = config;
        this.device = device;
        this.machine = MachineInfo.describe(device);
        this.runner = new TimingRunner(config);
        if (config.attacks() != null) {
            for (String name : config.attacks()) {
                suite.stream().filter(a -> a.name().equals(name)).findFirst().ifPresent(a -> attacks.put(name, a));
            }
            return;
        }
        List<Predicate<AttackTraits>> defaults = List.of(AttackTraits::givesRho2,
                t -> t.isIterative() && !t.minNorm() && t.access() == AttackTraits.Access.GRADIENT);
        for (Predicate<AttackTraits> wanted : defaults) {
            suite.stream().filter(a -> wanted.test(a.traits())).findFirst().ifPresent(a -> attacks.putIfAbsent(a.name(), a));
        }
    }

    /** The machine the timings run on. */
    public Machine machine() {
        return machine;
    }

    /** The JMH settings in words. */
    public Map<String, String> settings() {
        Map<String, String> s = runner.settings();
        s.put("timed attacks", attacks.isEmpty() ? "none" : String.join(", ", attacks.keySet()));
        return s;
    }

    /**
     * The measurements of one entry, reused from {@code dir} when an earlier run made them under the
     * same settings on the same hardware.
     *
     * @param dir        {@code OUT/timing/<cell>}
     * @param onnxFile   for a model built on an imported graph (architecture "onnx"), the ONNX file; else null
     * @param parameters the entry's model.params file
     */
    public List<TimingMeasurement> time(String cellId, String cellHash, String architecture, Path onnxFile, int numClasses,
            Path parameters, Examples test, Path dir) throws IOException {
        Map<String, AttackEntry> written = new LinkedHashMap<>();
        attacks.forEach((name, a) -> written.put(name, a.entry()));
        Map<String, Object> key = CacheKeys.timing(cellHash, runner.settings(), machine.hardwareKey(), written,
                Math.min(test.size(), Math.max(config.throughputBatch(), config.attackBatch())));
        Path cached = dir.resolve("measurements-" + CacheKeys.sha256(key).substring(0, 16) + ".json");
        List<TimingMeasurement> stored = stored(cached);
        if (stored != null) {
            LOG.info("{}: reusing the timings in {}", cellId, cached);
            return stored;
        }
        // batches larger than the test set shrink to it; every measurement records the batch it used
        int count = Math.min(test.size(), Math.max(config.throughputBatch(), config.attackBatch()));
        int per = (int) test.sampleShape().size();
        long[] labels = new long[count];
        for (int i = 0; i < count; i++) {
            labels[i] = test.labels()[i];
        }
        BenchmarkSetup setup = new BenchmarkSetup(architecture, onnxFile == null ? null : onnxFile.toAbsolutePath().toString(),
                test.sampleShape().getShape(), numClasses,
                parameters.toAbsolutePath().toString(), device.isGpu() ? "gpu" : "cpu", test.box().lower(),
                test.box().upper(), Arrays.copyOf(test.inputs(), count * per), labels, null, null, 0, Map.of(), 0);
        Files.createDirectories(dir);
        Path setupFile = dir.resolve("setup.json");
        setup.write(setupFile);
        Map<String, Path> attackFiles = new LinkedHashMap<>();
        for (Map.Entry<String, AttackEntry> a : written.entrySet()) {
            AttackEntry entry = a.getValue(); // as written: the forked benchmark JVM resolves it from its setup file
            double eps = entry.epsilons().stream().mapToDouble(Double::doubleValue).max().orElse(0);
            Path file = dir.resolve("setup-" + a.getKey().replaceAll("[^A-Za-z0-9._-]", "_") + ".json");
            setup.withAttack(entry.attack(), entry.norm(), eps, entry.params(), entry.seed()).write(file);
            attackFiles.put(a.getKey(), file);
        }
        long start = System.nanoTime();
        List<TimingMeasurement> measured = runner.time(cellId, setupFile, attackFiles,
                Math.min(count, config.throughputBatch()), Math.min(count, config.attackBatch()));
        LOG.info("{}: timed with JMH ({}) in {} s", cellId, config.preset(),
                String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9));
        DigestedFile.write(cached, Json.MAPPER.writeValueAsBytes(measured));
        return measured;
    }

    /**
     * The measurements stored in {@code file}, or null when there are none or the file does not match its
     * digest or cannot be read (one line naming it), so that the entry is timed again.
     */
    private static List<TimingMeasurement> stored(Path file) throws IOException {
        try {
            byte[] content = DigestedFile.read(file);
            return content == null ? null : Json.MAPPER.readValue(content, new TypeReference<List<TimingMeasurement>>() {});
        } catch (DigestedFile.MismatchException | com.fasterxml.jackson.core.JacksonException e) {
            LOG.warn("{}; timing again", e.getMessage());
            return null;
        }
    }
}
