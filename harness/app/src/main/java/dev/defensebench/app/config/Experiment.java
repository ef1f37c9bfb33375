package dev.defensebench.app.config;

import dev.defensebench.data.Preprocessing;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated experiment with every setting resolved: what {@link ExperimentLoader} hands to the plan, the run
 * and the reports. Its attacks and certifiers carry their plugins, norms and typed parameters, so nothing after
 * the loader looks a plugin up by name or parses a norm or a parameter again; the other settings read as the
 * file gives them ({@link #file()} keeps the file as written, for the keys that hash it).
 *
 * @param file the experiment file as written (its settings hash into the cache keys as written)
 * @param attacks the attack suite, resolved, in file order
 * @param certifiers the certifiers, resolved, in file order
 * @param preprocessingKind the parsed {@code preprocessing} setting
 * @param headlineByLabel the headline ε keyed by the norms' canonical labels ("Linf", "L2"), as results.csv
 *     names them, in file order
 */
public record Experiment(ExperimentFile file, List<ResolvedAttack> attacks, List<ResolvedCertifier> certifiers,
        Preprocessing preprocessingKind, Map<String, Double> headlineByLabel) {

    public Experiment {
        attacks = List.copyOf(attacks);
        certifiers = List.copyOf(certifiers);
        headlineByLabel = Collections.unmodifiableMap(new LinkedHashMap<>(headlineByLabel));
    }

    /** Names the output directory. */
    public String name() {
        return file.name();
    }

    /** A registered data set, or "imagefolder". */
    public String dataset() {
        return file.dataset();
    }

    /** The {@code preprocessing} setting as written ("unit" or "paper"). */
    public String preprocessing() {
        return file.preprocessing();
    }

    /** The first N training images used (null: all). */
    public Integer trainSize() {
        return file.trainSize();
    }

    /** The first N test images every entry is scored on. */
    public Integer testSize() {
        return file.testSize();
    }

    /** One cell per seed for every model entry. */
    public List<Long> seeds() {
        return file.seeds();
    }

    /** "auto", "cpu" or "gpu". */
    public String device() {
        return file.device();
    }

    /** Test images per attack batch. */
    public Integer evalBatchSize() {
        return file.evalBatchSize();
    }

    /** The board's entries. */
    public List<ModelEntry> models() {
        return file.models();
    }

    /** Whether every trained model is also written as ONNX. */
    public Boolean exportOnnx() {
        return file.exportOnnx();
    }

    /** How each entry is timed. */
    public TimingConfig timing() {
        return file.timing();
    }

    /** The headline ε per norm as written (keys as the file spells them); see {@link #headlineByLabel()}. */
    public Map<String, Double> headline() {
        return file.headline();
    }

    /** The image folder of {@code dataset: imagefolder}, else null. */
    public ImageFolderConfig imageFolder() {
        return file.imageFolder();
    }
}
