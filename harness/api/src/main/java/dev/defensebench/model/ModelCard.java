package dev.defensebench.model;

import dev.defensebench.spi.TrainingBudget;
import java.util.List;
import java.util.Map;

/**
 * The provenance of one trained model, written next to its weights as {@code card.json}: everything
 * needed to know what the numbers mean and to reproduce them (as Tribuo records with every model).
 * Cards are made with {@link #builder()}, which names every value (the canonical constructor is for the
 * JSON reader of stored cards); the components are the file's keys, in its order.
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
     * A builder of a card: every value named. Values not set stay null (0 for the seed), as on the card of a
     * model trained elsewhere.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ModelCard} value by value; {@link #build()} requires the cell's id and hash. */
    public static final class Builder {

        private String cellId;
        private String cellHash;
        private String experiment;
        private String defense;
        private String architecture;
        private Map<String, Object> params;
        private long seed;
        private Map<String, String> initFrom;
        private DataIdentity data;
        private Map<String, String> code;
        private Map<String, String> libraries;
        private String device;
        private List<Double> epochSeconds;
        private Map<String, Double> metrics;
        private Map<String, Object> notes;
        private String createdAt;
        private String paramsSha256;
        private Budget budget;

        private Builder() {}

        /** See {@link ModelCard#cellId()}. */
        public Builder cellId(String value) {
            this.cellId = value;
            return this;
        }

        /** See {@link ModelCard#cellHash()}. */
        public Builder cellHash(String value) {
            this.cellHash = value;
            return this;
        }

        /** See {@link ModelCard#experiment()}. */
        public Builder experiment(String value) {
            this.experiment = value;
            return this;
        }

        /** See {@link ModelCard#defense()}. */
        public Builder defense(String value) {
            this.defense = value;
            return this;
        }

        /** See {@link ModelCard#architecture()}. */
        public Builder architecture(String value) {
            this.architecture = value;
            return this;
        }

        /** See {@link ModelCard#params()}. */
        public Builder params(Map<String, Object> value) {
            this.params = value;
            return this;
        }

        /** See {@link ModelCard#seed()}. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** See {@link ModelCard#initFrom()}. */
        public Builder initFrom(Map<String, String> value) {
            this.initFrom = value;
            return this;
        }

        /** See {@link ModelCard#data()}. */
        public Builder data(DataIdentity value) {
            this.data = value;
            return this;
        }

        /** See {@link ModelCard#code()}. */
        public Builder code(Map<String, String> value) {
            this.code = value;
            return this;
        }

        /** See {@link ModelCard#libraries()}. */
        public Builder libraries(Map<String, String> value) {
            this.libraries = value;
            return this;
        }

        /** See {@link ModelCard#device()}. */
        public Builder device(String value) {
            this.device = value;
            return this;
        }

        /** See {@link ModelCard#epochSeconds()}. */
        public Builder epochSeconds(List<Double> value) {
            this.epochSeconds = value;
            return this;
        }

        /** See {@link ModelCard#metrics()}. */
        public Builder metrics(Map<String, Double> value) {
            this.metrics = value;
            return this;
        }

        /** See {@link ModelCard#notes()}. */
        public Builder notes(Map<String, Object> value) {
            this.notes = value;
            return this;
        }

        /** See {@link ModelCard#createdAt()}. */
        public Builder createdAt(String value) {
            this.createdAt = value;
            return this;
        }

        /** See {@link ModelCard#paramsSha256()}. */
        public Builder paramsSha256(String value) {
            this.paramsSha256 = value;
            return this;
        }

        /** See {@link ModelCard#budget()}. */
        public Builder budget(Budget value) {
            this.budget = value;
            return this;
        }

        /** The card; fails naming the missing value when the cell id or hash is not set. */
        public ModelCard build() {
            if (cellId == null || cellHash == null) {
                throw new IllegalStateException("a model card needs its cell's id and hash, found cellId " + cellId
                        + ", cellHash " + cellHash);
            }
            return new ModelCard(cellId, cellHash, experiment, defense, architecture, params, seed, initFrom, data, code,
                    libraries, device, epochSeconds, metrics, notes, createdAt, paramsSha256, budget);
        }
    }

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
