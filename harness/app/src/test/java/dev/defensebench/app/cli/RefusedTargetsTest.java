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

/**
 * Output targets that must be refused before any work, in one line naming them: an {@code export} onto a
 * directory or a device/pipe (never replaced), an {@code export} into a missing folder that then fails
 * (no folder left behind), {@code run --out} and {@code report} naming a regular file.
 */
class RefusedTargetsTest {

    /**
     * A model directory whose weights do not match the card: any export that gets past the target check
     * fails on it, so a refusal that names the target proves the target was checked first.
     */
    private static Path damagedModel(Path dir) throws Exception {
        Path model = Files.createDirectories(dir.resolve("vanilla-mlp-s0-0123456789ab"));
        ModelCard card = ModelCard.builder().cellId("vanilla/mlp/s0").cellHash("0".repeat(64)).experiment("tiny")
                .defense("vanilla").architecture("mlp").params(Map.of())
                .data(new ModelCard.DataIdentity("mnist", "abc", 100, "unit", "pixels / 255")).code(Map.of())
                .libraries(Map.of()).device("cpu()").epochSeconds(List.of(1.0)).metrics(Map.of()).notes(Map.of())
                .createdAt("2026-12-01T00:00:00Z").paramsSha256(ModelFiles.sha256(new byte[1000])).build();
        Files.write(model.resolve("card.json"), new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsBytes(card));
        Files.write(model.resolve("model.params"), new byte[500]);
        return model;
    }

    @Test
    void exportOntoAnExistingDirectoryIsRefusedBeforeAnyWork(@TempDir Path dir) throws Exception {
        Path target = Files.createDirectories(dir.resolve("m.onnx"));
        CliRun r = CliRun.of("export", damagedModel(dir).toString(), "--onnx", target.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("defense-bench: cannot write " + target.toAbsolutePath()
                + ": it is an existing directory; name a file" + System.lineSeparator());
        assertThat(target).isEmptyDirectory();
    }

    @Test
    void exportOntoAPipeOrDeviceIsRefusedAndTheNodeIsKept(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("pipe");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
        for (Path target : List.of(fifo, Path.of("/dev/null"))) {
            CliRun r = CliRun.of("export", damagedModel(dir).toString(), "--onnx", target.toString());

            assertThat(r.code()).as(target.toString()).isEqualTo(2);
            assertThat(r.err()).as(target.toString()).isEqualTo("defense-bench: cannot write " + target.toAbsolutePath()
                    + ": it exists and is not a regular file (a device, pipe or socket); only a regular file is replaced"
                    + System.lineSeparator());
            assertThat(Files.isRegularFile(target)).as(target.toString()).isFalse();
            assertThat(Files.exists(target)).as(target.toString()).isTrue();
        }
    }

    @Test
    void aFailedExportCreatesNoFolder(@TempDir Path dir) throws Exception {
        Path model = damagedModel(dir);
        Path target = dir.resolve("new").resolve("deeper").resolve("m.onnx");
        CliRun r = CliRun.of("export", model.toString(), "--onnx", target.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("model.params is damaged");
        assertThat(dir.resolve("new")).doesNotExist();
        try (var left = Files.list(dir)) {
            assertThat(left).containsExactly(model);
        }
    }

    @Test
    void exportUnderARegularFileNamesIt(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("plain.txt"), "x");
        Path target = file.resolve("m.onnx");
        CliRun r = CliRun.of("export", damagedModel(dir).toString(), "--onnx", target.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("defense-bench: cannot write " + target.toAbsolutePath() + ": " + file.toAbsolutePath()
                + " is not a directory" + System.lineSeparator());
    }

    @Test
    void runWithOutNamingARegularFileSaysSo(@TempDir Path dir) throws Exception {
        Path experiment = Files.writeString(dir.resolve("e.yaml"), CliTest.VALID);
        Path file = Files.writeString(dir.resolve("results.txt"), "keep me");
        CliRun r = CliRun.of("run", experiment.toString(), "--out", file.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("defense-bench: " + file.toAbsolutePath() + ": exists and is not a directory; "
                + "--out names the output directory (created if missing)" + System.lineSeparator());
        assertThat(Files.readString(file)).isEqualTo("keep me");
    }

    @Test
    void reportOfARegularFileSaysSo(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "x");
        Files.writeString(dir.resolve("results.csv"), "x"); // a parent's results.csv must not be picked up
        CliRun r = CliRun.of("report", file.toString());

        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("defense-bench: " + file + ": is a file, not a results directory (expected the "
                + "output directory of 'defense-bench run', or its results.csv)" + System.lineSeparator());
    }
}
