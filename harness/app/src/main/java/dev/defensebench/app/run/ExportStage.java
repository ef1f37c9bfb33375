package dev.defensebench.app.run;

import ai.djl.nn.Block;
import dev.defensebench.app.plan.Cell;
import dev.defensebench.model.ModelCard;
import dev.defensebench.report.OutputLayout;
import dev.defensebench.spi.Examples;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The export stage of a run: with {@code export_onnx: true}, a trained cell's network written as
 * {@code model.onnx} next to its weights (once; an existing file is kept), checked against the network
 * ({@link ModelExport}). A network that cannot be exported is reported and the run goes on.
 */
final class ExportStage {

    private static final Logger LOG = LoggerFactory.getLogger(ExportStage.class);

    private ExportStage() {}

    /** Exports {@code block}, the network of {@code cell} described by {@code card}, when the experiment asks for it. */
    static void run(RunContext context, Cell cell, Path modelDir, Block block, ModelCard card) throws IOException {
        Path onnx = modelDir.resolve(OutputLayout.ONNX);
        if (!context.experiment().exportOnnx() || Files.exists(onnx)) {
            return;
        }
        Examples test = context.test();
        try {
            ModelExport.Check check = ModelExport.write(block, cell.network(), card, context.preprocessor(), test.box(),
                    context.data().numClasses(), test.first(100).inputs(), onnx);
            LOG.info("{}: exported {}: {}", cell.id(), onnx, check.describe());
        } catch (IllegalArgumentException e) {
            LOG.warn("{}: not exported to ONNX: {}", cell.id(), e.getMessage());
        }
    }
}
