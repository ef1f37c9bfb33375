package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin jar built outside the repository and dropped into the plugin directory ({@code DEFENSE_BENCH_PLUGINS},
 * else {@code ~/.defense-bench/plugins}) is on the launcher's class path ({@code class_path} in {@code
 * ./defense-bench}) and registered like a shipped attack: {@code defense-bench list} shows it.
 */
class PluginDirectoryTest {

    private static final Path LAUNCHER = Path.of("../../defense-bench").toAbsolutePath().normalize();

    private static final String SOURCE = String.join("\n",
            "package outside.plugin;",
            "import ai.djl.ndarray.NDArray;",
            "import dev.defensebench.attacks.FixedEpsilonAttack;",
            "import dev.defensebench.spi.*;",
            "import java.util.*;",
            "/** An attack that returns its input: a plugin from outside the repository. */",
            "public final class Unchanged extends FixedEpsilonAttack {",
            "  public String name() { return \"unchanged-from-a-plugin-jar\"; }",
            "  public AttackTraits traits() { return AttackTraits.fixedEpsilon(\"Unchanged\", AttackTraits.Access.RANDOM, null); }",
            "  public String description() { return \"returns its input\"; }",
            "  public List<ParamSpec> parameters() { return List.of(); }",
            "  public Set<Norm> norms() { return Set.of(Norm.LINF); }",
            "  protected NDArray perturb(Classifier model, NDArray x, NDArray labels, Norm norm, double eps,",
            "      Hyperparameters params, Random random) { return x; }",
            "}",
            "");

    /** Compiles {@link #SOURCE} against this test's class path into {@code dir/unchanged.jar} with its service line. */
    private static void buildPlugin(Path work, Path dir) throws IOException {
        Path source = work.resolve("src/outside/plugin/Unchanged.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, SOURCE);
        Path classes = work.resolve("classes");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status = javac.run(null, null, errors, "-classpath", System.getProperty("java.class.path"), "-d",
                classes.toString(), source.toString());
        assertThat(status).as(errors.toString(StandardCharsets.UTF_8)).isZero();
        Files.createDirectories(dir);
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(dir.resolve("unchanged.jar")))) {
            jar.putNextEntry(new JarEntry("outside/plugin/Unchanged.class"));
            jar.write(Files.readAllBytes(classes.resolve("outside/plugin/Unchanged.class")));
            jar.putNextEntry(new JarEntry("META-INF/services/dev.defensebench.spi.Attack"));
            jar.write("outside.plugin.Unchanged\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Runs {@code class_path ENTRIES} of the launcher with DEFENSE_BENCH_PLUGINS set; returns {status, stdout, stderr}. */
    private static String[] classPath(String entries, String plugins) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "source \"$1\" && class_path \"$2\"", "launcher-test",
                LAUNCHER.toString(), entries);
        pb.environment().put("DEFENSE_BENCH_PLUGINS", plugins);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return new String[] {String.valueOf(p.waitFor()), out, err};
    }

    @Test
    void aJarInThePluginDirectoryIsListedLikeAShippedAttack(@TempDir Path work) throws Exception {
        Path plugins = work.resolve("plugins");
        buildPlugin(work, plugins);
        String[] path = classPath(System.getProperty("java.class.path"), plugins.toString());
        assertThat(path[0]).as(path[2]).isEqualTo("0");
        assertThat(path[2]).contains("plugins from " + plugins + ": 1 jar(s)");
        assertThat(path[1]).endsWith(":" + plugins + "/*");

        Process list = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", path[1], Main.class.getName(), "list").redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream sink = out) {
            list.getInputStream().transferTo(sink);
        }
        assertThat(list.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(list.exitValue()).as(text).isZero();
        assertThat(text).contains("unchanged-from-a-plugin-jar").contains("fgsm");
    }

    @Test
    void withoutJarsTheClassPathIsUnchangedAndAMissingDirectoryNamedInTheVariableIsAnError(@TempDir Path work)
            throws Exception {
        Path empty = Files.createDirectories(work.resolve("empty"));
        String[] path = classPath("a.jar:lib/*", empty.toString());
        assertThat(path[0]).isEqualTo("0");
        assertThat(path[1]).isEqualTo("a.jar:lib/*");
        assertThat(path[2]).isEmpty();
        String[] missing = classPath("a.jar", work.resolve("nowhere").toString());
        assertThat(missing[0]).isEqualTo("2");
        assertThat(missing[2]).contains("DEFENSE_BENCH_PLUGINS=" + work.resolve("nowhere") + " is not a directory");
    }
}
