package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.defensebench.model.ModelCard;
import dev.defensebench.model.ModelFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code export} of a damaged model directory: one clear error naming the file, exit code 2, no trace. */
class ExportDamagedModelTest {

    private static Path modelDir(Path dir, byte[] params, String recordedSha256) throws Exception {
        Path model = Files.createDirectories(dir.resolve("vanilla-mlp-s0-0123456789ab"));
        ModelCard card = ModelCard.builder().cellId("vanilla/mlp/s0").cellHash("0".repeat(64)).experiment("tiny")
                .defense("vanilla").architecture("mlp").params(Map.of())
                .data(new ModelCard.DataIdentity("mnist", "abc", 100, "unit", "pixels / 255")).code(Map.of())
                .libraries(Map.of()).device("cpu()").epochSeconds(List.of(1.0)).metrics(Map.of()).notes(Map.of())
                .createdAt("2026-12-01T00:00:00Z").paramsSha256(recordedSha256).build();
        Files.write(model.resolve("card.json"), new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(card));
        Files.write(model.resolve("model.params"), params);
        return model;
    }

    @Test
    void truncatedWeightsAreNamed(@TempDir Path dir) throws Exception {
        byte[] whole = new byte[1000];
        Path model = modelDir(dir, new byte[500], ModelFiles.sha256(whole));
        CliRun r = CliRun.of("export", model.toString(), "--onnx", dir.resolve("m.onnx").toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(model.resolve("model.params") + " is damaged (SHA-256 ")
                .doesNotContain("unexpected error").doesNotContain("Exception");
        assertThat(dir.resolve("m.onnx")).doesNotExist();
    }

    @Test
    void aTruncatedCardIsNamed(@TempDir Path dir) throws Exception {
        Path model = modelDir(dir, new byte[10], ModelFiles.sha256(new byte[10]));
        byte[] card = Files.readAllBytes(model.resolve("card.json"));
        Files.write(model.resolve("card.json"), java.util.Arrays.copyOf(card, card.length / 2));
        CliRun r = CliRun.of("export", model.toString(), "--onnx", dir.resolve("m.onnx").toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(model.resolve("card.json") + " is damaged (").doesNotContain("unexpected error");
        assertThat(r.err().lines().count()).isEqualTo(1);
    }
}
