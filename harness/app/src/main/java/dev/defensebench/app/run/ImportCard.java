package dev.defensebench.app.run;

import java.util.List;
import java.util.Map;

/**
 * The card of an imported ONNX entry, written as {@code card.json} in its model directory: which
 * file (SHA-256), how it was scored (rebuilt in DJL and attacked white-box, or run by ONNX Runtime and
 * attacked black-box), and what was skipped or transferred.
 *
 * @param entryId the board id, e.g. "external/onnx"
 * @param experiment the experiment's name
 * @param file the file as given in the experiment
 * @param sha256 the file's SHA-256
 * @param bytes the file's size
 * @param producer the producer recorded in the file (name and version)
 * @param opset the default ONNX operator set version
 * @param importPath "djl" (rebuilt as a DJL network) or "onnx-runtime"
 * @param evaluation "white-box evaluated" or "black-box evaluated"
 * @param whyNotDjl why it was not rebuilt in DJL (null when it was)
 * @param rebuildMaxDifference largest relative logit difference between the DJL rebuild (float64) and ONNX Runtime
 * @param metadata the file's metadata_props
 * @param runtime the ONNX Runtime provider and threads used
 * @param surrogate the trained cell that crafted the transfer attacks, or null
 * @param skippedAttacks gradient attacks not run directly on the model (black box)
 * @param createdAt ISO-8601 time of the evaluation
 */
public record ImportCard(String entryId, String experiment, String file, String sha256, long bytes, String producer, long opset,
        String importPath, String evaluation, String whyNotDjl, Double rebuildMaxDifference, Map<String, String> metadata,
        String runtime, String surrogate, List<String> skippedAttacks, String createdAt) {}
