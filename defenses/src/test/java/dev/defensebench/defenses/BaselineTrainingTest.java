package dev.defensebench.defenses;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.defensebench.spi.Defense;
import dev.defensebench.spi.Examples;
import dev.defensebench.spi.ProgressListener;
import dev.defensebench.spi.TrainedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every baseline trains end to end through the SGD loop, shows its terms, and is reproducible from its seed. */
class BaselineTrainingTest {

    static Stream<Arguments> defenses() {
        Map<String, Object> inner = Map.of("eps", 0.1, "steps", 3, "step_size", 0.05);
        return Stream.of(
                Arguments.of(new FgsmAdversarial(), Map.of("eps", 0.1), List.of("ce", "adv_ce", "adv_acc")),
                Arguments.of(new PgdAdversarial(), inner, List.of("ce", "adv_ce", "adv_acc")),
                Arguments.of(new Trades(), inner, List.of("ce", "kl", "adv_acc")),
                Arguments.of(new ParsevalTraining(), Map.of("beta", 0.01), List.of()),
                Arguments.of(new GaussianAugmentation(), Map.of("sigma", 0.25), List.of()),
                Arguments.of(new IbpTraining(), Map.of("eps", 0.05, "warmup", 0.25, "ramp", 0.5),
                        List.of("ce", "robust_ce", "verified")));
    }

    @ParameterizedTest
    @MethodSource("defenses")
    void trainsReproduciblyAndReportsItsTerms(Defense defense, Map<String, Object> own, List<String> terms) {
        Examples data = Blobs.make(256, 2);
        Map<String, Object> params = new java.util.HashMap<>(own);
        params.put("epochs", 2);
        params.put("batch_size", 64);
        List<float[]> first;
        try (TrainedModel a = defense.train(Blobs.request(defense, data, params, 3))) {
            assertThat(a.epochSeconds()).hasSize(2);
            assertThat(a.metrics()).containsKeys("loss", "train_accuracy");
            terms.forEach(t -> assertThat(a.metrics()).containsKey(t));
            first = weights(a);
        }
        try (TrainedModel b = defense.train(Blobs.request(defense, data, params, 3))) {
            List<float[]> second = weights(b);
            for (int i = 0; i < first.size(); i++) {
                assertThat(second.get(i)).containsExactly(first.get(i));
            }
        }
        try (TrainedModel c = defense.train(Blobs.request(defense, data, params, 4))) {
            assertThat(weights(c).get(0)).isNotEqualTo(first.get(0));
        }
    }

    private static List<float[]> weights(TrainedModel model) {
        List<float[]> out = new ArrayList<>();
        for (Pair<String, Parameter> p : model.block().getParameters()) {
            out.add(p.getValue().getArray().toFloatArray());
        }
        return out;
    }

    @ParameterizedTest
    @MethodSource("defenses")
    void trainSubsetLimitsTheTrainingSet(Defense defense, Map<String, Object> own, List<String> terms) {
        Examples data = Blobs.make(256, 2);
        Map<String, Object> params = new java.util.HashMap<>(own);
        params.put("epochs", 1);
        params.put("batch_size", 32);
        params.put("train_subset", 64);
        List<Long> totals = new ArrayList<>();
        ProgressListener steps = new ProgressListener() {
            @Override
            public void start(String task, long total) {
                totals.add(total);
            }

            @Override
            public void advance(long n, String status) {}

            @Override
            public void finish(String summary) {}
        };
        var base = Blobs.request(defense, data, params, 3);
        var request = new dev.defensebench.spi.TrainingRequest(base.data(), base.architecture(), base.params(),
                base.seed(), base.device(), null, steps);
        try (TrainedModel m = defense.train(request)) {
            assertThat(totals).containsExactly(2L); // 64 images in batches of 32
        }
    }
}
