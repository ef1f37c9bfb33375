package dev.defensebench.spark;

import dev.defensebench.app.plan.Cell;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts a run's cells into waves that can run in parallel: wave 0 holds the cells trained from scratch
 * (or whose parent is not part of this run, so its artifact must already exist), wave k the cells
 * fine-tuned from a cell of wave k-1. Each wave is one Spark job; a wave starts when the previous one
 * has finished, so a fine-tune always finds its parent's weights.
 */
final class CellWaves {

    private CellWaves() {}

    /** The waves of {@code cells}, each in the cells' order; {@code cells} must be in dependency order. */
    static List<List<Cell>> of(List<Cell> cells) {
        Map<String, Integer> level = new HashMap<>();
        List<List<Cell>> waves = new ArrayList<>();
        for (Cell cell : cells) {
            Integer parentLevel = cell.upstream() == null ? null : level.get(cell.upstream().hash());
            int mine = parentLevel == null ? 0 : parentLevel + 1;
            level.put(cell.hash(), mine);
            while (waves.size() <= mine) {
                waves.add(new ArrayList<>());
            }
            waves.get(mine).add(cell);
        }
        return waves;
    }
}
