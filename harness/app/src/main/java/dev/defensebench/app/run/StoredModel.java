package dev.defensebench.app.run;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.defensebench.model.ModelCard;
import dev.defensebench.model.ModelFiles;
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

    /** The model card's file name in a model directory. */
    public static final String CARD_FILE = "card.json";
    /** The weights' file name in a model directory. */
    public static final String PARAMS_FILE = "model.params";

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Reads and verifies the model in {@code modelDir}.
     *
     * @throws DamagedArtifactException naming the file when the card cannot be read or the weights do not match it
     */
    public static StoredModel read(Path modelDir) throws IOException {
        Path cardFile = modelDir.resolve(CARD_FILE);
        Path paramsFile = modelDir.resolve(PARAMS_FILE);
        ModelCard card;
        try {
            card = JSON.readValue(cardFile.toFile(), ModelCard.class);
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
