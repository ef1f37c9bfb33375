package dev.defensebench.app.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.app.run.ImportedOrigin;
import dev.defensebench.app.run.ModelExport;
import dev.defensebench.app.run.Networks;
import dev.defensebench.app.run.WriteTarget;
import dev.defensebench.app.run.StoredModel;
import dev.defensebench.data.DatasetRegistry;
import dev.defensebench.data.ImageSplit;
import dev.defensebench.data.LoadedDataset;
import dev.defensebench.data.Preprocessing;
import dev.defensebench.data.Preprocessor;
import dev.defensebench.model.Architecture;
import dev.defensebench.model.Architectures;
import dev.defensebench.model.ModelCard;
import dev.defensebench.onnx.OnnxArchitecture;
import dev.defensebench.report.OutputLayout;
import dev.defensebench.spi.InputBox;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code defense-bench export MODEL_DIR --onnx FILE}: write a trained model as a checked ONNX file. */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export a trained model (a directory under OUT/models/ with model.params and card.json) as an ONNX "
                + "file (opset 13, input 'input' [batch,C,H,W], output 'logits' [batch,classes], preprocessing in the "
                + "metadata). The file is kept only if ONNX Runtime's logits on test images match DJL's within 1e-4.")
final class ExportCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL_DIR", description = "a trained model's directory (model.params, card.json)")
    Path modelDir;

    @Option(names = "--onnx", required = true, paramLabel = "FILE", description = "the ONNX file to write")
    Path onnx;

    @Option(names = "--check", paramLabel = "N", defaultValue = "100",
            description = "test images on which ONNX Runtime and DJL must agree (default ${DEFAULT-VALUE})")
    int checkImages;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "where data sets are looked for and cached (default: $DEFENSEBENCH_DATA, else ~/.defense-bench/data)")
    Path dataDir;

    @Override
    public Integer call() throws Exception {
        if (checkImages < 1) {
            throw new IllegalArgumentException("--check must be >= 1, found " + checkImages);
        }
        WriteTarget.probe(onnx);
        Path cardFile = modelDir.resolve(OutputLayout.CARD);
        Path paramsFile = modelDir.resolve(OutputLayout.PARAMS);
        if (!Files.isRegularFile(cardFile) || !Files.isRegularFile(paramsFile)) {
            throw new IllegalArgumentException(modelDir + ": not a trained model directory (expected card.json and "
                    + "model.params, as written under OUT/models/ by 'defense-bench run')");
        }
        StoredModel stored = StoredModel.read(modelDir);
        ModelCard card = stored.card();
        LoadedDataset data = DatasetRegistry.standard().load(card.data().dataset(), DatasetRegistry.defaultDataDir(dataDir));
        Preprocessing kind = Preprocessing.parse(card.data().preprocessing());
        if (kind == Preprocessing.PAPER && !data.sha256().equals(card.data().sha256())) {
            throw new IllegalArgumentException("the model was trained on data set " + card.data().dataset() + " with SHA-256 "
                    + card.data().sha256() + " but the data found has " + data.sha256()
                    + "; the 'paper' preprocessing's training mean would differ");
        }
        Preprocessor preprocessor = kind.fit(data.train());
        ImageSplit check = data.test().first(Math.min(checkImages, data.test().count()));
        Shape sampleShape = new Shape(check.channels(), check.height(), check.width());
        InputBox box = new InputBox(preprocessor.lowerBound(), preprocessor.upperBound(), sampleShape);
        Architecture architecture = card.architecture().equals(OnnxArchitecture.NAME)
                ? ImportedOrigin.architecture(modelDir, card, sampleShape, data.numClasses())
                : Architectures.get(card.architecture());
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            Block block = Networks.load(architecture, sampleShape, data.numClasses(), manager, stored.params());
            ModelExport.Check result = ModelExport.write(block, architecture, card, preprocessor, box, data.numClasses(),
                    preprocessor.apply(check), onnx);
            PrintWriter out = spec.commandLine().getOut();
            out.println("exported " + card.cellId() + " to " + onnx.toAbsolutePath());
            out.println(result.describe());
            out.flush();
        }
        return 0;
    }
}
