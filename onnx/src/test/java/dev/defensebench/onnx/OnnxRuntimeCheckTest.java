package dev.defensebench.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.types.Shape;
import dev.defensebench.onnx.graph.OnnxCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ONNX Runtime's load check accepts what it can run and refuses, naming the file, what passes our own inspection only. */
class OnnxRuntimeCheckTest {

    private static final Shape SAMPLE = new Shape(1, 8, 8);

    @TempDir
    Path dir;

    private OnnxFile inspected(String name, String operator) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, OnnxCodec.encode(FixtureModels.mlp(FixtureModels.Weights.random(64, 10, 3), SAMPLE.getShape(),
                operator, "")));
        return OnnxImporter.inspect(file, 1 << 20, SAMPLE, 10);
    }

    @Test
    void aGraphOnnxRuntimeRunsPasses() throws Exception {
        assertThatCode(() -> OnnxRuntimeCheck.check(inspected("relu.onnx", "Relu"))).doesNotThrowAnyException();
    }

    @Test
    void anUnknownStandardOperatorPassesInspectionButNotOnnxRuntime() throws Exception {
        OnnxFile file = inspected("unknown.onnx", "NoSuchOperator");
        assertThat(file.whyNotInterpreted()).contains("NoSuchOperator");
        assertThatThrownBy(() -> OnnxRuntimeCheck.check(file)).isInstanceOf(OnnxImportException.class)
                .hasMessageStartingWith(file.file() + ": ONNX Runtime refused the model: ")
                .hasMessageContaining("NoSuchOperator");
    }
}
