package dev.defensebench.model;

import dev.defensebench.spi.TrainingBudget;
import java.util.List;
import java.util.Map;

/**
 * The provenance of one trained model, written next to its weights as {@code card.json}: everything
 * needed to know what the numbers mean and to reproduce them (as Tribuo records with every model).
 *
 * @param cellId the experiment entry, architecture and seed, e.g. "deep-defense/mlp/s0"
 * @param cellHash SHA-256 of the full training configuration (see the plan); names the artifact
 * @param experiment the experiment's name
 * @param defense the defense that trained it
 * @param architecture the network layout
 * @param params every resolved hyper-parameter, defaults included
 * @param seed the seed of initialisation, shuffling and the defense's randomness
 * @param initFrom the cell this one was fine-tuned from (id and hash), or null when trained from scratch
 * @param data the data set's identity and preprocessing
 * @param code the code version and the git commit when known
 * @param libraries library and runtime versions
 * @param device the device it trained on
 * @param epochSeconds wall time of every epoch
 * @param metrics last-epoch training metrics
 * @param notes defense-specific figures
 * @param createdAt ISO-8601 time the training finished
 * @param paramsSha256 SHA-256 (hex) of the {@code model.params} file written with this card; a file that
 *     does not match it is not used
 * @param budget what training this model spent, on its own and including its ancestors; null on a card
 *     of a model trained elsewhere (an import)
 */
public record ModelCard(
        String cellId,
        String cellHash,
        String experiment,
        String defense,
        String architecture,
        Map<String, Object> params,
        long seed,
        Map<String, String> initFrom,
        DataIdentity data,
        Map<String, String> code,
        Map<String, String> libraries,
        String device,
        List<Double> epochSeconds,
        Map<String, Double> metrics,
        Map<String, Object> notes,
        String createdAt,
        String paramsSha256,
        Budget budget) {

    /**
     * The training budget of a model.
     *
     * @param own this model's training alone
     * @param withAncestors its training and that of every cell it was fine-tuned from, along the chain
     */
    public record Budget(TrainingBudget own, TrainingBudget withAncestors) {}

    /** Total training wall time in seconds. */
    public double trainSeconds() {
        return epochSeconds.stream().mapToDouble(Double::doubleValue).sum();
    }

    /**
     * Which data a model saw.
     *
     * @param dataset the registry name, e.g. "mnist"
     * @param sha256 identity of the verified source files
     * @param trainSize training images used
     * @param preprocessing "unit" or "paper"
     * @param preprocessingDetail one human line on what the preprocessing does
     */
    public record DataIdentity(
            String dataset, String sha256, int trainSize, String preprocessing, String preprocessingDetail) {}
}
