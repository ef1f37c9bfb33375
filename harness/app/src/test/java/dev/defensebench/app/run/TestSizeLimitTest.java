package dev.defensebench.app.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import dev.defensebench.app.config.ExperimentException;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.spi.ProgressListener;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A test_size or train_size above what the data set holds is the same error naming the count, before any training. */
class TestSizeLimitTest {

    @Test
    void testSizeAboveTheDataSetIsAnErrorNamingTheCount(@TempDir Path temp) throws Exception {
        TinyMnist data = TinyMnist.write(temp.resolve("raw"), 50, 20, 3);
        Plugins plugins = Plugins.discover();
        Runner runner = new Runner(plugins, data.registry(), temp.resolve("data"), ProgressListener.SILENT);
        String text = String.join("\n", "name: tiny", "dataset: mnist", "test_size: 21", "seeds: [0]", "models:",
                "  - name: vanilla", "    defense: vanilla", "    architectures: [mlp]", "    params: {epochs: 1}",
                "attacks:", "  - attack: fgsm", "    norm: Linf", "    epsilons: [0.1]", "");
        Path out = temp.resolve("out");
        assertThatThrownBy(() -> runner.run(new ExperimentLoader(plugins, data.registry().names()).parse("tiny.yaml", text),
                out, Device.cpu(), dev.defensebench.app.plan.Shard.ALL))
                .isInstanceOf(ExperimentException.class)
                .hasMessageContaining("'test_size' is 21").hasMessageContaining("has 20 test images");
        assertThat(out.resolve("models")).doesNotExist();
    }

    @Test
    void trainSizeAboveTheDataSetIsTheSameError(@TempDir Path temp) throws Exception {
        TinyMnist data = TinyMnist.write(temp.resolve("raw"), 50, 20, 3);
        Plugins plugins = Plugins.discover();
        Runner runner = new Runner(plugins, data.registry(), temp.resolve("data"), ProgressListener.SILENT);
        String text = String.join("\n", "name: tiny", "dataset: mnist", "train_size: 51", "test_size: 20", "seeds: [0]",
                "models:", "  - name: vanilla", "    defense: vanilla", "    architectures: [mlp]", "    params: {epochs: 1}",
                "attacks:", "  - attack: fgsm", "    norm: Linf", "    epsilons: [0.1]", "");
        Path out = temp.resolve("out");
        assertThatThrownBy(() -> runner.run(new ExperimentLoader(plugins, data.registry().names()).parse("tiny.yaml", text),
                out, Device.cpu(), dev.defensebench.app.plan.Shard.ALL))
                .isInstanceOf(ExperimentException.class)
                .hasMessage("'train_size' is 51 but data set 'mnist' has 50 training images; use at most 50");
        assertThat(out.resolve("models")).doesNotExist();
    }
}
