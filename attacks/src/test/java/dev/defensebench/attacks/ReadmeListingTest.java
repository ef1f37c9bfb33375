package dev.defensebench.attacks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import dev.defensebench.model.BlockClassifier;
import dev.defensebench.spi.Attack;
import dev.defensebench.spi.AttackResult;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.InputBox;
import dev.defensebench.spi.Norm;
import dev.defensebench.spi.ThreatModel;
import dev.defensebench.testing.TinyNets;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Adding an attack" listing is a working plugin: it compiles as printed (with its imports) and
 * attacks exactly as the shipped {@link Fgsm} does, so the front door cannot drift from the code.
 */
class ReadmeListingTest {

    private static final String IMPORTS = String.join("\n",
            "package readme.listing;",
            "import ai.djl.ndarray.NDArray;",
            "import dev.defensebench.attacks.FixedEpsilonAttack;",
            "import dev.defensebench.spi.AttackTraits;",
            "import dev.defensebench.spi.Classifier;",
            "import dev.defensebench.spi.Hyperparameters;",
            "import dev.defensebench.spi.Norm;",
            "import dev.defensebench.spi.ParamSpec;",
            "import dev.defensebench.train.Losses;",
            "import java.util.List;",
            "import java.util.Random;",
            "import java.util.Set;",
            "");

    /** The first Java block after the README's "## Adding an attack" heading. */
    static String listing() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        int section = readme.indexOf("## Adding an attack");
        assertThat(section).as("README has an '## Adding an attack' section").isGreaterThanOrEqualTo(0);
        int start = readme.indexOf("```java\n", section);
        int end = readme.indexOf("\n```", start + 1);
        assertThat(start).as("a java listing in that section").isGreaterThan(section);
        return readme.substring(start + "```java\n".length(), end + 1);
    }

    @Test
    void theListingCompilesAndAttacksLikeTheShippedFgsm(@TempDir Path dir) throws Exception {
        Path source = dir.resolve("readme/listing/Fgsm.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, IMPORTS + listing());
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = javac.run(null, null, errors, "-classpath", System.getProperty("java.class.path"), "-d",
                dir.resolve("classes").toString(), source.toString());
        assertThat(status).as(errors.toString(StandardCharsets.UTF_8)).isZero();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.resolve("classes").toUri().toURL()},
                getClass().getClassLoader())) {
            Attack fromReadme = (Attack) loader.loadClass("readme.listing.Fgsm").getDeclaredConstructor().newInstance();
            Attack shipped = new Fgsm();
            assertThat(fromReadme.name()).isEqualTo(shipped.name());
            assertThat(fromReadme.traits()).isEqualTo(shipped.traits());
            Shape sample = new Shape(1, 8, 8);
            try (NDManager m = NDManager.newBaseManager()) {
                Block net = TinyNets.initialise(TinyNets.conv(4), m, DataType.FLOAT32, sample, 11);
                BlockClassifier model = new BlockClassifier(net, 4, InputBox.uniform(0, 1, sample));
                m.getEngine().setRandomSeed(5);
                NDArray x = m.randomUniform(0, 1, new Shape(16, 1, 8, 8));
                NDArray y = m.randomInteger(0, 4, new Shape(16), DataType.INT64);
                ThreatModel threat = new ThreatModel(Norm.LINF, List.of(0.05, 0.2));
                AttackResult a = fromReadme.run(model, x, y, threat,
                        Hyperparameters.resolve("attack 'fgsm'", fromReadme.parameters(), Map.of()), 1);
                AttackResult b = shipped.run(model, x, y, threat,
                        Hyperparameters.resolve("attack 'fgsm'", shipped.parameters(), Map.of()), 1);
                for (int k = 0; k < 2; k++) {
                    assertThat(a.outcomes().get(k).adversarial().toFloatArray())
                            .containsExactly(b.outcomes().get(k).adversarial().toFloatArray());
                }
            }
        }
    }
}
