package dev.defensebench.app.run;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.app.config.Experiment;
import dev.defensebench.app.config.ExperimentException;
import dev.defensebench.app.config.ModelEntry;
import dev.defensebench.app.config.ResolvedCertifier;
import dev.defensebench.onnx.OnnxFile;
import dev.defensebench.spi.Certifier;
import java.util.Map;

/**
 * Before any work, asks every certifier of an experiment whether it can certify the graph of each imported entry
 * the interpreter runs ({@link Certifier#whyNotCertifiable}), so that an operator interval bound propagation has no
 * rule for is an error naming the entry, the certifier, the operator and its node, not a skip found hours later.
 * Entries scored through ONNX Runtime have no graph to bound: a certifier that needs one skips them at run time.
 */
final class CertifiableImports {

    private CertifiableImports() {}

    /** Throws an {@link ExperimentException} for the first (entry, certifier) pair that cannot work. */
    static void check(Experiment experiment, Map<String, OnnxFile> imports, Shape sampleShape,
            int numClasses) {
        for (ModelEntry entry : experiment.models()) {
            OnnxFile file = imports.get(entry.name());
            if (file == null || !entry.rebuildInDjl() || file.whyNotInterpreted() != null || experiment.certifiers().isEmpty()) {
                continue;
            }
            Block graph = file.architecture().build(sampleShape, numClasses);
            for (ResolvedCertifier c : experiment.certifiers()) {
                String why = c.certifier().whyNotCertifiable(graph);
                if (why != null) {
                    throw new ExperimentException("models '" + entry.name() + "': certifier '" + c.entry().name() + "': " + why
                            + "; remove the certifier or the entry from the experiment");
                }
            }
        }
    }
}
