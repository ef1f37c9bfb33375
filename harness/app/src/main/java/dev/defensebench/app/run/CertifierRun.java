package dev.defensebench.app.run;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import dev.defensebench.app.config.ResolvedCertifier;
import dev.defensebench.files.Json;
import dev.defensebench.report.ResultRow;
import dev.defensebench.report.WilsonInterval;
import dev.defensebench.spi.Certification;
import dev.defensebench.spi.Certifier;
import dev.defensebench.spi.Classifier;
import dev.defensebench.spi.Examples;
import dev.defensebench.spi.Hyperparameters;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Runs one certifier entry on a model's test subset and turns its result into results.csv rows. */
final class CertifierRun {

    private CertifierRun() {}

    /** The certifier's per-point result on the whole of {@code test} (one call, so its per-point seeds are the points' indices). */
    static CertifiedOutcome run(ResolvedCertifier entry, Classifier model, NDManager manager, Examples test) {
        Certifier certifier = entry.certifier();
        Hyperparameters params = entry.params();
        List<Double> grid = entry.grid();
        long start = System.nanoTime();
        Certification result;
        try (NDScope scope = new NDScope()) {
            NDArray x = manager.create(test.inputs(), new Shape(test.size()).addAll(test.sampleShape()));
            long[] labels = new long[test.size()];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = test.labels()[i];
            }
            result = certifier.certify(model, x, manager.create(labels), grid, params, entry.seed());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Object> recorded = new TreeMap<>(params.asMap());
        recorded.put("seed", entry.seed());
        String label = entry.name().equals(certifier.name()) ? certifier.displayName()
                : certifier.displayName() + " " + entry.name();
        return new CertifiedOutcome(entry.name(), label, certifier.norm(), grid,
                certifier.certifiesModel(), result, seconds, json(recorded));
    }

    /** One row per radius of the grid: the certified accuracy with its 95% Wilson interval and the abstentions. */
    static List<ResultRow> rows(Evaluator.Subject s, CertifiedOutcome o, long[] labels, double clean, String access) {
        List<ResultRow> rows = new ArrayList<>();
        int n = labels.length;
        for (double eps : o.epsilons()) {
            int certified = o.result().countCertified(labels, eps);
            WilsonInterval ci = WilsonInterval.of(certified, n);
            rows.add(s.row().attack(o.certifier()).attackLabel(o.displayName()).attackTraits(ResultRow.CERTIFIED)
                    .norm(o.norm().label()).epsilon(eps).samples(n).cleanAccuracy(clean)
                    .robustAccuracy((double) certified / n).robustCi(ci).attackSeconds(o.seconds())
                    .attackParams(o.paramsJson()).access(access)
                    .attackImagesPerSecond(o.seconds() > 0 ? n / o.seconds() : Double.NaN)
                    .abstentions(o.result().abstentions()).build());
        }
        return rows;
    }

    private static String json(Object value) {
        try {
            return Json.MAPPER.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
