package dev.defensebench.app.run;

import com.fasterxml.jackson.core.JacksonException;
import dev.defensebench.files.Json;
import dev.defensebench.model.ModelCard;
import dev.defensebench.model.ModelFiles;
import dev.defensebench.report.OutputLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A trained model as stored in its directory ({@code card.json} and {@code model.params}), verified: the
 * card parses and the weights have the SHA-256 the card records.
 *
 * @param card the model card
 * @param params the weights (DJL's parameter format)
 */
public record StoredModel(ModelCard card, byte[] params) {

    /** The card in {@code modelDir}, or null when there is none or it cannot be read. */
    static ModelCard readCard(Path modelDir) {
        Path cardFile = modelDir.resolve(OutputLayout.CARD);
        try {
            return Files.isRegularFile(cardFile) ? Json.MAPPER.readValue(cardFile.toFile(), ModelCard.class) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Reads and verifies the model in {@code modelDir}.
     *
     * @throws DamagedArtifactException naming the file when the card cannot be read or the weights do not match it
     */
    public static StoredModel read(Path modelDir) throws IOException {
        Path cardFile = modelDir.resolve(OutputLayout.CARD);
        Path paramsFile = modelDir.resolve(OutputLayout.PARAMS);
        ModelCard card;
        try {
            card = Json.MAPPER.readValue(cardFile.toFile(), ModelCard.class);
        } catch (JacksonException | RuntimeException e) {
            throw new DamagedArtifactException(cardFile, Runner.oneLine(e));
        }
        if (card == null || card.cellHash() == null) {
            throw new DamagedArtifactException(cardFile, "not a model card");
        }
        byte[] params = Files.readAllBytes(paramsFile);
        String sha256 = ModelFiles.sha256(params);
        if (!sha256.equals(card.paramsSha256())) {
            throw new DamagedArtifactException(paramsFile, card.paramsSha256() == null
                    ? "its card records no SHA-256 (written by an older version)"
                    : "SHA-256 " + sha256 + ", the card records " + card.paramsSha256());
        }
        return new StoredModel(card, params);
    }
}
