package dev.defensebench.app.plan;

import dev.defensebench.app.config.ModelEntry;
import dev.defensebench.spi.Hyperparameters;

/**
 * One model to train and score: an experiment entry on one architecture with one seed. Its {@code
 * hash} covers everything that determines the trained weights (data, preprocessing, defense,
 * resolved hyper-parameters, seed, parent cell, and the code: versions and class fingerprints, see
 * {@link CodeIdentity}), so an existing artifact with the same
 * hash is reused instead of retrained.
 *
 * @param id "entry/architecture/s<seed>", the name shown on the board
 * @param entry the experiment entry
 * @param architecture the architecture name
 * @param seed the seed
 * @param params the defense's resolved hyper-parameters
 * @param parent the cell this one fine-tunes from, or null
 * @param hash SHA-256 (hex) of the cell's full configuration
 */
public record Cell(
        String id, ModelEntry entry, String architecture, long seed, Hyperparameters params, Cell parent, String hash) {

    /** The artifact directory name: readable prefix plus the first 12 hex digits of the hash. */
    public String directoryName() {
        return entry.name() + "-" + architecture + "-s" + seed + "-" + hash.substring(0, 12);
    }
}
