package dev.defensebench.onnx;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.model.Architecture;
import dev.defensebench.onnx.interp.OnnxGraphBlock;

/**
 * An imported ONNX file used as an architecture, so that any defense fine-tunes it like a network built here:
 * {@link #build} gives a trainable interpreter of the graph ({@link OnnxGraphBlock#trainable}) whose weights
 * start as the file's. Not registered as a plugin: an experiment reaches it through {@code init_from} naming an
 * {@code onnx:} entry.
 */
public final class OnnxArchitecture implements Architecture {

    /** The architecture column of imported models and of the models fine-tuned from them. */
    public static final String NAME = "onnx";

    private final OnnxFile file;

    OnnxArchitecture(OnnxFile file) {
        this.file = file;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "the graph of " + file.file() + " (sha256 " + file.sha256().substring(0, 12) + ")";
    }

    @Override
    public Block build(Shape sampleShape, int numClasses) {
        return OnnxGraphBlock.trainable(file.model(), file.layout()::toFile);
    }
}
