package dev.defensebench.app.run;

import dev.defensebench.app.plan.Cell;
import dev.defensebench.model.ModelCard;
import dev.defensebench.onnx.OnnxRuntimeSettings;
import dev.defensebench.onnx.ImportedModel;
import dev.defensebench.onnx.graph.Node;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The card of an imported ONNX entry, written as {@code card.json} in its model directory in the same
 * {@link ModelCard} form as a trained model's (so the board and the entry page show it): the file
 * (SHA-256 as the cell hash, size, producer, opset) as parameters, and as notes how it was scored
 * (interpreted on DJL arrays and attacked white-box, or run by ONNX Runtime and attacked black-box, with
 * the operator and node that stood in the way), the interpreter's agreement with ONNX Runtime, and what
 * was skipped or transferred.
 */
final class ImportCard {

    private ImportCard() {}

    /**
     * The card of {@code imported}, the file of {@code cell}, scored with {@code skippedAttacks} left out;
     * {@code paramsSha256} is that of the interpreted weights written beside it (null when ONNX Runtime scores it).
     */
    static ModelCard of(ImportedModel imported, Cell cell, RunContext context, OnnxRuntimeSettings runtime,
            List<String> skippedAttacks, String paramsSha256) {
        Map<String, Object> params = new TreeMap<>();
        params.put("onnx_file", cell.entry().onnx());
        params.put("onnx_sha256", imported.sha256());
        if (cell.entry().output() != null) {
            params.put("onnx_output", cell.entry().output());
        }
        params.put("onnx_bytes", imported.bytes());
        params.put("onnx_producer", (imported.model().producerName() + " " + imported.model().producerVersion()).strip());
        params.put("onnx_opset", imported.model().defaultOpset());
        Map<String, Object> notes = new TreeMap<>();
        notes.put("evaluation", imported.whiteBox() ? "white-box evaluated (the ONNX graph interpreted on DJL arrays)"
                : "black-box evaluated (ONNX Runtime, logits only)");
        notes.put("import_path", imported.path());
        putIfPresent(notes, "why_not_white_box", imported.whyNotDjl());
        Node blocking = imported.blockingNode();
        if (blocking != null) {
            notes.put("blocking_operator", blocking.opType());
            notes.put("blocking_node", blocking.name());
        }
        if (!Double.isNaN(imported.maxDifference())) {
            notes.put("interpreter_vs_onnx_runtime", imported.maxDifference());
        }
        notes.put("onnx_runtime", runtime.providerLabel() + ", " + (runtime.threads() == 0 ? "all cores" : runtime.threads() + " threads"));
        putIfPresent(notes, "surrogate", cell.surrogate() == null ? null : cell.surrogate().id());
        notes.put("skipped_attacks", skippedAttacks);
        notes.put("test_data_sha256", context.data().sha256()); // the identity of the images it is scored on
        if (!imported.model().metadata().isEmpty()) {
            notes.put("onnx_metadata", imported.model().metadata());
        }
        ModelCard.DataIdentity data = new ModelCard.DataIdentity(context.data().name(), "", 0, context.preprocessing().id(),
                "trained elsewhere; scored on this data set's test images");
        return ModelCard.builder().cellId(cell.id()).cellHash(cell.hash()).experiment(context.experiment().name())
                .defense(ImportedCell.DEFENSE).architecture(cell.architecture()).params(params).data(data).notes(notes)
                .createdAt(Instant.now().toString()).paramsSha256(paramsSha256).build();
    }

    private static void putIfPresent(Map<String, Object> notes, String key, Object value) {
        if (value != null) {
            notes.put(key, value);
        }
    }
}
