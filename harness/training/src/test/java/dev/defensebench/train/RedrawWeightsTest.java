package dev.defensebench.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.defensebench.model.Mlp;
import dev.defensebench.spi.Hyperparameters;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedrawWeightsTest {

    private static float[] redrawn(long seed, double std, NDManager manager) {
        Engine.getInstance().setRandomSeed((int) seed);
        Block mlp = new Mlp().build(new Shape(1, 28, 28), 10);
        mlp.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 28, 28));
        SgdTraining.redrawWeights(mlp, std);
        Pair<String, Parameter> first = mlp.getParameters().get(0);
        return first.getValue().getArray().toFloatArray();
    }

    @Test
    void weightsFollowTheGivenNormalAndBiasesAreZero() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            Block mlp = new Mlp().build(new Shape(1, 28, 28), 10);
            mlp.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 28, 28));
            SgdTraining.redrawWeights(mlp, 0.01);
            for (Pair<String, Parameter> p : mlp.getParameters()) {
                NDArray a = p.getValue().getArray();
                float[] v = a.toFloatArray();
                double sum = 0;
                double sq = 0;
                for (float x : v) {
                    sum += x;
                    sq += x * x;
                }
                double mean = sum / v.length;
                double std = Math.sqrt(sq / v.length - mean * mean);
                if (a.getShape().dimension() >= 2) {
                    assertThat(std).as(p.getKey()).isBetween(0.0095, 0.0105);
                    assertThat(mean).as(p.getKey()).isBetween(-0.002, 0.002);
                } else {
                    assertThat(v).as(p.getKey()).containsOnly(0f);
                }
            }
        }
    }

    @Test
    void theSeedMakesItReproducible() {
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThat(redrawn(5, 0.01, manager)).isEqualTo(redrawn(5, 0.01, manager));
            assertThat(redrawn(5, 0.01, manager)).isNotEqualTo(redrawn(6, 0.01, manager));
        }
    }

    @Test
    void initStdIsADeclaredParameterAndMustNotBeNegative() {
        Hyperparameters ok = Hyperparameters.resolve("test", SgdSettings.FROM_SCRATCH.parameters(), Map.of("init_std", 0.01));
        assertThat(SgdSettings.from(ok).initStd()).isEqualTo(0.01);
        assertThat(SgdSettings.from(Hyperparameters.resolve("test", SgdSettings.FROM_SCRATCH.parameters(), Map.of()))
                .initStd()).isZero();
        Hyperparameters bad = Hyperparameters.resolve("test", SgdSettings.FROM_SCRATCH.parameters(), Map.of("init_std", -1.0));
        assertThatThrownBy(() -> SgdSettings.from(bad)).hasMessageContaining("init_std").hasMessageContaining("-1.0");
    }
}
