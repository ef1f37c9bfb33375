package dev.defensebench.app.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ShardTest {

    private static final Plugins PLUGINS = Plugins.discover();
    private static final ExperimentLoader LOADER = new ExperimentLoader(PLUGINS, Set.of("mnist", "cifar10"));

    /** 3 trees per seed: vanilla/mlp (+ dd child + grandchild), vanilla/lenet (+ dd child), a lone entry. */
    private static final Plan PLAN = Plan.of(LOADER.parse("shard.yaml", String.join("\n",
            "name: shard",
            "dataset: mnist",
            "seeds: [0, 1, 2]",
            "models:",
            "  - {name: base, defense: vanilla, architectures: [mlp, lenet], params: {epochs: 2}}",
            "  - {name: dd, defense: deep-defense, architectures: [mlp, lenet], init_from: base, params: {epochs: 1}}",
            "  - {name: dd2, defense: deep-defense, architectures: [mlp], init_from: dd, params: {epochs: 1}}",
            "  - {name: alone, defense: vanilla, architectures: [mlp], params: {epochs: 4}}",
            "attacks:",
            "  - {attack: fgsm, norm: Linf, epsilons: [0.1]}",
            "")), PLUGINS, "a".repeat(64), 1000, new CodeIdentity("1.0", "libraries", Class::getName));

    @Test
    void shardsPartitionThePlanAndKeepEveryFineTuneWithItsParent() {
        for (int n = 1; n <= 5; n++) {
            List<Cell> union = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                List<Cell> mine = new Shard(i, n).select(PLAN);
                Set<String> here = new HashSet<>();
                for (Cell c : mine) {
                    if (c.parent() != null) {
                        assertThat(here).as("shard %d/%d runs %s after its parent", i, n, c.id()).contains(c.parent().hash());
                    }
                    here.add(c.hash());
                }
                union.addAll(mine);
            }
            assertThat(union).as("%d shards", n).hasSameSizeAs(PLAN.cells()).containsExactlyInAnyOrderElementsOf(PLAN.cells());
        }
    }

    @Test
    void treesAreBalancedByTheirEpochs() {
        // trees: base/mlp (2+1+1) = 4, base/lenet (2+1) = 3, alone (4) = 4, for each of 3 seeds: 33 epochs in all
        double[] load = new double[3];
        for (int i = 1; i <= 3; i++) {
            for (Cell c : new Shard(i, 3).select(PLAN)) {
                load[i - 1] += Shard.cost(c);
            }
        }
        assertThat(load[0] + load[1] + load[2]).isEqualTo(33.0);
        for (double l : load) {
            assertThat(l).isBetween(10.0, 12.0);
        }
    }

    @Test
    void theSplitIsDeterministic() {
        for (int i = 1; i <= 4; i++) {
            assertThat(new Shard(i, 4).select(PLAN)).isEqualTo(new Shard(i, 4).select(PLAN));
        }
        assertThat(Shard.ALL.select(PLAN)).isEqualTo(PLAN.cells());
    }

    @Test
    void parsesIOverN() {
        assertThat(Shard.parse("2/4")).isEqualTo(new Shard(2, 4));
        assertThat(Shard.parse(" 1 / 1 ")).isEqualTo(Shard.ALL);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0/4", "5/4", "1/0", "2", "a/b", "", "1/2/3", "-1/2"})
    void badShardsNameTheTextAndTheExpectedForm(String text) {
        assertThatThrownBy(() -> Shard.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected I/N");
    }
}
