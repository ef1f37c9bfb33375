package dev.defensebench.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import dev.defensebench.autograd.Autograd;
import dev.defensebench.spi.InputBox;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each architecture, loaded with the weights of the PyTorch module that
 * {@code src/test/fixtures/make_arch_fixtures.py} built, gives PyTorch's logits within 1e-4 relative in
 * inference mode and in one training-mode forward (batch statistics), and updates the running
 * statistics as PyTorch does (momentum 0.1, unbiased variance).
 */
class ArchitectureEquivalenceTest {

    static final double TOLERANCE = 1e-4;

    static Stream<Arguments> architectures() {
        return Stream.of(
                Arguments.of("resnet18", new ResNet18(4)),
                Arguments.of("preact-resnet18", new PreActResNet18(4)),
                Arguments.of("wrn-10-1", new WideResNet(10, 1)),
                Arguments.of("nin", new Nin(24, 20, 12)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("architectures")
    void matchesPyTorch(String fixtureName, Architecture architecture) {
        TorchFixture fixture = TorchFixture.load(fixtureName);
        try (NDManager manager = NDManager.newBaseManager()) {
            Block block = architecture.build(new Shape(3, 32, 32), 10);
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            load(block, fixture);
            BlockClassifier model = new BlockClassifier(block, 10, InputBox.uniform(0, 1, new Shape(3, 32, 32)));
            TorchFixture.Tensor input = fixture.get("input");
            NDArray x = manager.create(input.values(), new Shape(input.shape()));

            NDArray eval = Autograd.notRecording(() -> model.logits(x));
            assertClose(eval, fixture.get("logits_eval"), "inference logits");
            NDArray train = Autograd.notRecording(() -> model.inMode(ForwardMode.TRAINING).logits(x));
            assertClose(train, fixture.get("logits_train"), "training-mode logits");
            List<NDArray> stats = BlockClassifier.runningStatistics(block);
            assertClose(stats.get(0), fixture.get("running_mean_after"), "first running mean after the forward");
            assertClose(stats.get(1), fixture.get("running_var_after"), "first running variance after the forward");
        }
    }

    /** Copies the fixture's parameters into the block, in order, skipping the residual aggregation weights. */
    static void load(Block block, TorchFixture fixture) {
        List<Parameter> ours = new ArrayList<>();
        for (var p : block.getParameters()) {
            if (p.getValue().getType() != Parameter.Type.OTHER) {
                ours.add(p.getValue());
            }
        }
        List<Map.Entry<String, TorchFixture.Tensor>> theirs = fixture.parameters();
        assertThat(ours).as("parameter count").hasSize(theirs.size());
        for (int i = 0; i < ours.size(); i++) {
            NDArray array = ours.get(i).getArray();
            TorchFixture.Tensor t = theirs.get(i).getValue();
            assertThat(array.getShape()).as("shape of %s vs %s", ours.get(i).getName(), theirs.get(i).getKey())
                    .isEqualTo(new Shape(t.shape()));
            array.set(FloatBuffer.wrap(t.values()));
        }
    }

    static void assertClose(NDArray actual, TorchFixture.Tensor expected, String what) {
        float[] a = actual.toFloatArray();
        float[] e = expected.values();
        assertThat(a).as(what + " size").hasSize(e.length);
        double maxDiff = 0;
        double scale = 0;
        for (int i = 0; i < e.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(a[i] - e[i]));
            scale = Math.max(scale, Math.abs(e[i]));
        }
        assertThat(maxDiff / scale).as(what + ": max |ours - PyTorch| / max |PyTorch|").isLessThanOrEqualTo(TOLERANCE);
    }
}
