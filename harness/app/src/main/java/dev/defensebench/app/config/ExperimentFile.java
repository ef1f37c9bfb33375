package dev.defensebench.app.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An experiment file as written: which data, which models (defense × architectures, optionally fine-tuned from
 * another entry), which attacks, which seeds; names, norms and parameters still as text. Only
 * {@link ExperimentLoader} reads it; everything after the loader takes the resolved {@link Experiment}. See
 * docs/configuration.md.
 *
 * @param name names the output directory; letters, digits, '.', '_' and '-'
 * @param dataset a registered data set ("mnist", "cifar10"), or "imagefolder" (see {@code imageFolder})
 * @param preprocessing "unit" ([0,1] pixels) or "paper" (raw pixels minus the training mean)
 * @param trainSize use the first N training images (null: all)
 * @param testSize evaluate on the first N test images
 * @param seeds one cell per seed for every model entry
 * @param device "auto", "cpu" or "gpu" (the command line's --device wins)
 * @param evalBatchSize test images per attack batch
 * @param models the board's entries
 * @param attacks the attacks every entry is scored with
 * @param exportOnnx also write every trained model as {@code model.onnx} next to its weights (default false)
 * @param timing how each entry is timed with JMH (no {@code timing:} section: preset "off")
 * @param headline the board's headline ε per norm label, e.g. {Linf: 0.1, L2: 1.5}, in file order; a norm
 *                 left out gets the report's default (empty: every norm)
 * @param certifiers the certifiers every entry is certified with (randomized smoothing, IBP; empty: none)
 * @param imageFolder with {@code dataset: imagefolder}: where the images are and how they are sized; else null
 */
public record ExperimentFile(
        String name,
        String dataset,
        String preprocessing,
        Integer trainSize,
        Integer testSize,
        List<Long> seeds,
        String device,
        Integer evalBatchSize,
        List<ModelEntry> models,
        List<AttackEntry> attacks,
        Boolean exportOnnx,
        TimingConfig timing,
        Map<String, Double> headline,
        List<CertifierEntry> certifiers,
        ImageFolderConfig imageFolder) {

    public ExperimentFile {
        preprocessing = preprocessing == null ? "unit" : preprocessing;
        testSize = testSize == null ? 1000 : testSize;
        seeds = seeds == null ? List.of(0L) : List.copyOf(seeds);
        device = device == null ? "auto" : device;
        evalBatchSize = evalBatchSize == null ? 250 : evalBatchSize;
        models = models == null ? List.of() : List.copyOf(models);
        attacks = attacks == null ? List.of() : List.copyOf(attacks);
        exportOnnx = exportOnnx == null ? Boolean.FALSE : exportOnnx;
        timing = timing == null ? TimingConfig.off() : timing;
        headline = headline == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(headline));
        certifiers = certifiers == null ? List.of() : List.copyOf(certifiers);
    }
}
