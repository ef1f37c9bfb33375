package dev.defensebench.app.plan;

import dev.defensebench.app.config.ModelEntry;
import dev.defensebench.model.Architecture;
import dev.defensebench.spi.Defense;
import dev.defensebench.spi.Hyperparameters;

/**
 * One model to train (or import) and score: an experiment entry on one architecture with one seed, or an
 * imported {@code onnx:} entry. Its {@code hash} covers everything that determines the weights (data,
 * preprocessing, defense, resolved hyper-parameters, seed, parent cell, the imported file's SHA-256, and the
 * code: versions and class fingerprints, see {@link CodeIdentity}), so an existing artifact with the same hash is
 * reused instead of retrained.
 *
 * @param id "entry/architecture/s&lt;seed&gt;" (an imported entry: "entry/onnx"), the name shown on the board
 * @param entry the experiment entry
 * @param architecture the architecture name ("onnx" for an imported entry and the cells fine-tuned from it)
 * @param seed the seed
 * @param params the defense's resolved hyper-parameters (none for an imported entry)
 * @param parent the cell this one fine-tunes from, or null
 * @param surrogate for an imported entry, the trained cell that crafts its transfer attacks, or null
 * @param hash SHA-256 (hex) of the cell's full configuration
 * @param defense the defense plugin that trains it (null for an imported entry)
 * @param network what builds its network: the registered architecture, or the imported graph at the root of its
 *     fine-tuning chain (for an imported entry, its own graph)
 */
public record Cell(String id, ModelEntry entry, String architecture, long seed, Hyperparameters params, Cell parent,
        Cell surrogate, String hash, Defense defense, Architecture network) {

    /** The artifact directory name: readable prefix plus the first 12 hex digits of the hash. */
    public String directoryName() {
        String prefix = entry.isImported() ? entry.name() + "-" + architecture : entry.name() + "-" + architecture + "-s" + seed;
        return prefix + "-" + hash.substring(0, 12);
    }

    /** Whether this cell imports an ONNX file rather than training. */
    public boolean imported() {
        return entry.isImported();
    }

    /** The cell whose artifacts this one needs first: its parent, or an imported entry's surrogate; null if none. */
    public Cell upstream() {
        return parent != null ? parent : surrogate;
    }

    /** The imported cell at the root of this cell's fine-tuning chain, or null when it was trained from scratch. */
    public Cell importedRoot() {
        Cell c = this;
        while (c.parent() != null) {
            c = c.parent();
        }
        return c.imported() ? c : null;
    }
}
