package dev.defensebench.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;
import ai.djl.ndarray.types.Shape;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.onnx.graph.ClassifierOutput;
import dev.defensebench.onnx.graph.Dimension;
import dev.defensebench.onnx.graph.Graph;
import dev.defensebench.onnx.graph.Model;
import dev.defensebench.onnx.graph.Node;
import dev.defensebench.onnx.graph.OpsetId;
import dev.defensebench.onnx.graph.Tensor;
import dev.defensebench.onnx.interp.OnnxGraphBlock;
import dev.defensebench.onnx.interp.UnsupportedNodeException;
import dev.defensebench.onnx.graph.ValueInfo;
import dev.defensebench.spi.InputBox;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Imports an ONNX file safely. In order: the size limit (before reading), a strict protobuf parse of
 * the whole file with any external data read from beside it ({@link OnnxFileReader}: truncated, corrupted or non-ONNX
 * bytes and unreadable external data are refused here, before any native code sees them), operator set 7 or later, standard ONNX operators only, finite float initializers and constants, one float
 * input whose shape fits the data set, one float classifier output with the data set's class count (of several
 * outputs, the one the entry names or the only [batch, classes] one; the others and the nodes only they need are
 * dropped), then an ONNX Runtime session and a probe batch whose logits must have
 * the expected shape. When every node is among the interpreter's operators the graph runs in DJL through
 * {@link OnnxGraphBlock} (white-box), kept only if a float64 twin agrees with ONNX Runtime's logits on a
 * probe batch (relative difference at most {@value #REBUILD_TOLERANCE}); otherwise ONNX Runtime scores it
 * (black-box) and the model names the operator and node that stood in the way.
 */
public final class OnnxImporter {

    /** Largest |logit| difference, relative to max(1, |logit|), allowed between the DJL rebuild and ONNX Runtime. */
    public static final double REBUILD_TOLERANCE = 1e-4;

    private OnnxImporter() {}

    /**
     * The checks that need no runtime, made when an experiment loads: the size limit, the strict parse, standard
     * operators only, and an input and output that fit samples of {@code sampleShape} and {@code numClasses}.
     */
    public static OnnxFile inspect(Path file, long maxBytes, Shape sampleShape, int numClasses) {
        return inspect(file, maxBytes, sampleShape, numClasses, null);
    }

    /**
     * As {@link #inspect(Path, long, Shape, int)}, with the classifier output named by {@code output} (null: the only
     * output, or the only FLOAT [batch, numClasses] one); the file's model keeps that output alone.
     */
    public static OnnxFile inspect(Path file, long maxBytes, Shape sampleShape, int numClasses, String output) {
        OnnxFileReader.Read read = OnnxFileReader.read(file, maxBytes);
        Model model = classifierOnly(file, read.model(), output, numClasses);
        ValueInfo input = checkGraph(file, model, sampleShape, numClasses);
        return new OnnxFile(file, read.bytes(), read.sha256(), model, input, InputLayout.detect(input.dims(), sampleShape.getShape()),
                read.externalFiles());
    }

    /** Checks and loads {@code request.file()}; DJL arrays live on {@code manager}. */
    public static ImportedModel load(ImportRequest request, NDManager manager) {
        InputBox box = request.box();
        OnnxFile checked = inspect(request.file(), request.maxBytes(), box.sampleShape(), request.numClasses(), request.output());
        Path file = checked.file();
        byte[] bytes = checked.bytes();
        Model model = checked.model();
        ValueInfo input = checked.input();
        InputLayout layout = checked.layout();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session;
        try (OrtSession.SessionOptions options = request.runtime().sessionOptions()) {
            session = checked.session(env, options);
        } catch (OrtException e) {
            throw new OnnxImportException(file + ": ONNX Runtime refused the model: " + e.getMessage(), e);
        }
        String outputName = model.graph().outputs().get(0).name();
        OnnxRuntimeClassifier runtime = new OnnxRuntimeClassifier(env, session, input.name(), outputName, request.numClasses(), box,
                fixedBatch(input, request.runtime().batchSize()), layout);
        try {
            checkSession(file, session, input.name(), outputName);
            float[] probe = probe(box, 8);
            float[] reference = runtime.run(probe, 8, (int) box.sampleShape().size(), new float[8 * request.numClasses()]);
            String sha = checked.sha256();
            if (!request.tryDjl()) {
                return new ImportedModel(runtime, ImportedModel.ONNX_RUNTIME, "DJL import not requested", null, model, sha,
                        bytes.length, Double.NaN);
            }
            Node missing = OnnxGraphBlock.firstUnsupported(model.graph());
            if (missing != null) {
                return blackBox(runtime, model, sha, bytes.length, missing, "operator " + missing.opType() + " (node "
                        + missing.describe() + ") is not among the interpreter's operators");
            }
            // the interpreter is checked in float64, so that only a mistranslated operator (not float32 rounding of the
            // engine's kernels) can make it disagree with ONNX Runtime; the float32 twin is the one that is scored
            double diff;
            try (NDManager wideScope = manager.newSubManager()) {
                OnnxGraphBlock wide = OnnxGraphBlock.build(model, wideScope, DataType.FLOAT64, layout::toFile);
                diff = maxRelativeDifference(wide, wideScope, probe, box.sampleShape(), reference);
            } catch (UnsupportedNodeException e) {
                return blackBox(runtime, model, sha, bytes.length, e.node(), e.getMessage());
            }
            if (!(diff <= REBUILD_TOLERANCE)) {
                return new ImportedModel(runtime, ImportedModel.ONNX_RUNTIME, String.format(Locale.ROOT,
                        "the interpreter disagrees with ONNX Runtime (max relative logit difference %.3g > %.0e)", diff,
                        REBUILD_TOLERANCE), null, model, sha, bytes.length, diff);
            }
            BlockClassifier djl = new BlockClassifier(OnnxGraphBlock.build(model, manager, DataType.FLOAT32, layout::toFile),
                    request.numClasses(), box);
            runtime.close();
            return new ImportedModel(djl, ImportedModel.DJL, null, null, model, sha, bytes.length, diff);
        } catch (RuntimeException e) {
            runtime.close();
            if (e instanceof OnnxImportException) {
                throw e;
            }
            throw new OnnxImportException(file + ": the model does not run on this data set's inputs: " + e.getMessage(), e);
        }
    }

    /** Scored through ONNX Runtime because {@code node} cannot be interpreted. */
    private static ImportedModel blackBox(OnnxRuntimeClassifier runtime, Model model, String sha, long bytes, Node node,
            String why) {
        return new ImportedModel(runtime, ImportedModel.ONNX_RUNTIME, why, node, model, sha, bytes, Double.NaN);
    }

    /** {@code model} with only its classifier output ({@link ClassifierOutput}); a missing or ambiguous one is refused. */
    private static Model classifierOnly(Path file, Model model, String output, int numClasses) {
        try {
            return ClassifierOutput.select(model, ClassifierOutput.choose(model.graph(), output, numClasses));
        } catch (IllegalArgumentException e) {
            throw new OnnxImportException(file + ": " + e.getMessage(), e);
        }
    }

    /** Checks operators, input and output against the data set; returns the data input. */
    static ValueInfo checkGraph(Path file, Model model, Shape sampleShape, int numClasses) {
        if (model.defaultOpset() < 1) {
            throw new OnnxImportException(file + ": the model imports no standard ONNX operator set (found "
                    + model.opsets() + ")");
        }
        if (model.defaultOpset() < OnnxGraphBlock.MIN_OPSET) {
            throw new OnnxImportException(file + ": " + OnnxGraphBlock.belowMinOpset(model.defaultOpset()));
        }
        Graph g = model.graph();
        FiniteWeights.check(file, g);
        for (Node n : g.nodes()) {
            if (!OpsetId.isDefaultDomain(n.domain())) {
                throw new OnnxImportException(file + ": node " + n.describe() + " uses the operator domain '" + n.domain()
                        + "'; only standard ONNX operators are imported (no custom or runtime-specific operators)");
            }
        }
        List<ValueInfo> inputs = g.dataInputs();
        if (inputs.size() != 1) {
            throw new OnnxImportException(file + ": the model has " + inputs.size() + " data inputs "
                    + inputs.stream().map(ValueInfo::name).toList() + "; expected exactly one (the images)");
        }
        ValueInfo in = inputs.get(0);
        String expected = "[batch, " + sampleShape.toString().replaceAll("[()]", "") + "]";
        if (in.elemType() != Tensor.FLOAT) {
            throw new OnnxImportException(file + ": input '" + in.name() + "' has element type " + in.elemType()
                    + "; expected FLOAT (1)");
        }
        if (InputLayout.detect(in.dims(), sampleShape.getShape()) == null) {
            throw new OnnxImportException(file + ": input '" + in.name() + "' has shape " + in.shapeText()
                    + " but the data set's images need " + expected + (sampleShape.dimension() == 3 ? " (or [batch, "
                    + sampleShape.get(1) + ", " + sampleShape.get(2) + ", " + sampleShape.get(0) + "] channels last)" : ""));
        }
        if (g.outputs().size() != 1) {
            throw new OnnxImportException(file + ": the model has " + g.outputs().size() + " outputs "
                    + g.outputs().stream().map(ValueInfo::name).toList() + "; expected exactly one (the logits)");
        }
        ValueInfo out = g.outputs().get(0);
        if (out.elemType() != Tensor.FLOAT) {
            throw new OnnxImportException(file + ": output '" + out.name() + "' has element type " + out.elemType()
                    + "; expected FLOAT (1)");
        }
        if (out.dims() != null && !out.dims().isEmpty()) {
            Dimension last = out.dims().get(out.dims().size() - 1);
            if (out.dims().size() != 2 || last.isFixed() && last.value() != numClasses) {
                throw new OnnxImportException(file + ": output '" + out.name() + "' has shape " + out.shapeText()
                        + " but the data set has " + numClasses + " classes; expected [batch, " + numClasses + "]");
            }
        }
        return in;
    }

    private static void checkSession(Path file, OrtSession session, String inputName, String outputName) {
        try {
            NodeInfo info = session.getInputInfo().get(inputName);
            if (info == null || !(info.getInfo() instanceof TensorInfo)) {
                throw new OnnxImportException(file + ": ONNX Runtime does not see a tensor input '" + inputName + "'");
            }
            if (!session.getOutputNames().contains(outputName)) {
                throw new OnnxImportException(file + ": ONNX Runtime does not see the output '" + outputName + "' (it sees "
                        + session.getOutputNames() + ")");
            }
        } catch (OrtException e) {
            throw new OnnxImportException(file + ": ONNX Runtime cannot describe the model: " + e.getMessage(), e);
        }
    }

    /** A fixed batch dimension in the file forces that batch size (usually 1); otherwise the configured one. */
    private static int fixedBatch(ValueInfo input, int configured) {
        if (input.dims() != null && !input.dims().isEmpty() && input.dims().get(0).isFixed() && input.dims().get(0).value() > 0) {
            return (int) Math.min(Integer.MAX_VALUE, input.dims().get(0).value());
        }
        return configured;
    }

    /** {@code n} seeded random points of the input box (row-major). */
    static float[] probe(InputBox box, int n) {
        int per = box.lower().length;
        float[] x = new float[n * per];
        Random random = new Random(7);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < per; j++) {
                x[i * per + j] = box.lower()[j] + random.nextFloat() * (box.upper()[j] - box.lower()[j]);
            }
        }
        return x;
    }

    private static double maxRelativeDifference(OnnxGraphBlock wide, NDManager manager, float[] probe, Shape sampleShape,
            float[] reference) {
        int n = probe.length / (int) sampleShape.size();
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(probe, new Shape(n).addAll(sampleShape)).toType(DataType.FLOAT64, false);
            double[] logits = Autograd.notRecording(() -> wide.forward(new ParameterStore(), new NDList(x), false)
                    .singletonOrThrow()).toDoubleArray();
            double worst = 0;
            for (int i = 0; i < logits.length; i++) {
                double d = Math.abs(logits[i] - reference[i]) / Math.max(1.0, Math.abs(reference[i]));
                worst = Double.isNaN(d) ? Double.NaN : Math.max(worst, d);
                if (Double.isNaN(worst)) {
                    return worst;
                }
            }
            return worst;
        }
    }

    /** SHA-256 (hex) of {@code bytes}. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
