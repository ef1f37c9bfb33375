package dev.defensebench.app.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.defensebench.files.Json;
import dev.defensebench.model.ModelCard;
import dev.defensebench.spi.TrainingBudget;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The card's files do not change with the way cards are made: a trained model's card with
 * every component set and an imported model's card with the components it leaves null, built with {@link
 * ModelCard#builder()} and serialized as {@code card.json} is written ({@link Json#PRETTY}), equal byte for byte
 * the golden files that the code of commit cc47341 (main before the card had its builder) wrote from the same
 * values passed to the canonical constructor. (No code fingerprint covers the card's class either: {@code
 * CodeFingerprintTest}.)
 */
class ModelCardJsonTest {

    /** A fine-tuned model's card: every component set, nested maps, a list, a budget. */
    static ModelCard trained() {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("lr", 5.0E-4);
        params.put("epochs", 5);
        params.put("lambda", 15.0);
        params.put("schedule", List.of(0.8, 0.9));
        Map<String, String> initFrom = new LinkedHashMap<>();
        initFrom.put("cell", "vanilla/lenet/s3");
        initFrom.put("hash", "f".repeat(64));
        Map<String, String> code = new LinkedHashMap<>();
        code.put("version", "0.1.0-SNAPSHOT");
        code.put("git_commit", "0123456789abcdef0123456789abcdef01234567");
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("loss", 0.0512);
        metrics.put("accuracy", 0.9875);
        Map<String, Object> notes = new TreeMap<>();
        notes.put("rho2_train", 0.21);
        notes.put("steps", 3000L);
        notes.put("skipped", List.of("square"));
        return ModelCard.builder().cellId("deep-defense/lenet/s3").cellHash("a".repeat(64)).experiment("nightly")
                .defense("deep-defense").architecture("lenet").params(params).seed(3L).initFrom(initFrom)
                .data(new ModelCard.DataIdentity("mnist", "b".repeat(64), 60000, "paper",
                        "raw pixels minus the training mean image"))
                .code(code).libraries(Map.of("djl", "0.36.0", "pytorch", "2.7.1")).device("cpu()")
                .epochSeconds(List.of(12.5, 11.75, 11.0)).metrics(metrics).notes(notes)
                .createdAt("2026-12-07T08:00:00.123456Z").paramsSha256("c".repeat(64))
                .budget(new ModelCard.Budget(new TrainingBudget(300000, 1800000, 1500000, 35.25),
                        new TrainingBudget(600000, 2400000, 2100000, 60.5)))
                .build();
    }

    /** An imported model's card: no ancestry, code, libraries, device, epochs, metrics or budget. */
    static ModelCard imported() {
        Map<String, Object> params = new TreeMap<>();
        params.put("onnx_file", "models/resnet.onnx");
        params.put("onnx_bytes", 123456L);
        params.put("onnx_opset", 13L);
        return ModelCard.builder().cellId("resnet-onnx/onnx/s0").cellHash("d".repeat(64)).experiment("imports")
                .defense("onnx-import").architecture("onnx").params(params)
                .data(new ModelCard.DataIdentity("mnist", "", 0, "unit", "trained elsewhere; scored on this data set's test images"))
                .notes(Map.of("evaluation", "black-box evaluated (ONNX Runtime, logits only)"))
                .createdAt("2026-12-07T08:01:00Z").build();
    }

    @Test
    void aTrainedModelsCardIsTheGoldenFile() throws IOException {
        assertThat(new String(Json.PRETTY.writeValueAsBytes(trained()), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(golden("trained.json"));
    }

    @Test
    void anImportedModelsCardIsTheGoldenFile() throws IOException {
        assertThat(new String(Json.PRETTY.writeValueAsBytes(imported()), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(golden("imported.json"));
    }

    @Test
    void aCardReadBackFromItsFileIsTheSameCard() throws IOException {
        for (ModelCard card : List.of(trained(), imported())) {
            ModelCard read = Json.MAPPER.readValue(Json.PRETTY.writeValueAsBytes(card), ModelCard.class);
            assertThat(Json.PRETTY.writeValueAsString(read)).isEqualTo(Json.PRETTY.writeValueAsString(card));
        }
    }

    @Test
    void aCardNeedsItsCellsIdAndHash() {
        assertThatThrownBy(() -> ModelCard.builder().cellHash("a".repeat(64)).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("cellId null");
        assertThatThrownBy(() -> ModelCard.builder().cellId("vanilla/mlp/s0").build())
                .hasMessageContaining("cellHash null");
    }

    private static String golden(String name) throws IOException {
        try (InputStream in = ModelCardJsonTest.class.getResourceAsStream("/model-cards/" + name)) {
            assertThat(in).as("golden file model-cards/%s", name).isNotNull();
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }
}
