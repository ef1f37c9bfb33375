package dev.defensebench.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.defensebench.app.plan.Cell;
import dev.defensebench.spi.Hyperparameters;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CellWavesTest {

    private static Cell cell(String name, Cell parent) {
        return new Cell(name, null, "mlp", 0, Hyperparameters.resolve("test", List.of(), Map.of()), parent, null, name + "-hash", null, null);
    }

    @Test
    void aFineTuneRunsInTheWaveAfterItsParent() {
        Cell a = cell("a", null);
        Cell b = cell("b", null);
        Cell a1 = cell("a1", a);
        Cell a2 = cell("a2", a1);
        Cell b1 = cell("b1", b);
        List<List<Cell>> waves = CellWaves.of(List.of(a, b, a1, b1, a2));
        assertThat(waves).containsExactly(List.of(a, b), List.of(a1, b1), List.of(a2));
    }

    @Test
    void aCellWhoseParentIsNotInTheRunStartsInTheFirstWave() {
        Cell outside = cell("outside", null);
        Cell child = cell("child", outside);
        assertThat(CellWaves.of(List.of(child))).containsExactly(List.of(child));
    }
}
