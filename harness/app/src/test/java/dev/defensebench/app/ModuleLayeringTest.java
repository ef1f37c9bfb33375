package dev.defensebench.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.defensebench.attacks.FixedEpsilonAttack;
import dev.defensebench.data.DatasetRegistry;
import dev.defensebench.kernels.KernelProbe;
import dev.defensebench.spi.Attack;
import dev.defensebench.train.SgdTraining;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The plugin API is small and the modules are layered (docs/extending.md, "Modules"): {@code harness-api}
 * (the SPI and what plugins need) depends on no other module of the project; the data sets ({@code
 * harness-data}), the CPU-kernel probes ({@code harness-kernels}) and the training loop ({@code
 * harness-training}) are modules of their own that no attack, certifier, ONNX or report module reaches; and
 * an attack built outside the repository compiles against the {@code harness-api} and {@code attacks} jars
 * alone. The module graph is read from the poms (compile and runtime scope; test scope is not part of a
 * module's API), the classes from the built jars or class directories this test runs with.
 */
class ModuleLayeringTest {

    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final String GROUP = "dev.defensebench";
    private static final String API = "harness-api";

    /** The project modules each module declares (compile or runtime scope), by artifactId, from the poms. */
    static Map<String, Set<String>> moduleGraph() throws Exception {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (String module : childTexts(root(ROOT.resolve("pom.xml")), "modules", "module")) {
            Element pom = root(ROOT.resolve(module).resolve("pom.xml"));
            Set<String> uses = new TreeSet<>();
            for (Element d : children(child(pom, "dependencies"), "dependency")) {
                String scope = text(d, "scope");
                if (GROUP.equals(text(d, "groupId")) && !"test".equals(scope) && !"test-jar".equals(text(d, "type"))) {
                    uses.add(text(d, "artifactId"));
                }
            }
            graph.put(text(pom, "artifactId"), uses);
        }
        return graph;
    }

    /** Every module {@code module} reaches through the graph, itself excluded. */
    static Set<String> closure(Map<String, Set<String>> graph, String module) {
        Set<String> reached = new TreeSet<>();
        Deque<String> pending = new ArrayDeque<>(graph.getOrDefault(module, Set.of()));
        while (!pending.isEmpty()) {
            String next = pending.poll();
            if (reached.add(next)) {
                pending.addAll(graph.getOrDefault(next, Set.of()));
            }
        }
        return reached;
    }

    @Test
    void theModuleGraphIsReadFromEveryPom() throws Exception {
        Map<String, Set<String>> graph = moduleGraph();
        assertThat(graph).containsKeys(API, "harness-data", "harness-kernels", "harness-training", "attacks",
                "defenses", "certifiers", "reports", "onnx", "harness-app");
        assertThat(graph.get("harness-app")).contains(API, "harness-data", "harness-kernels", "harness-training");
        assertThat(closure(graph, "defenses")).contains(API, "harness-training", "attacks");
    }

    @Test
    void theApiAndTheDataSetsDependOnNoOtherModule() throws Exception {
        Map<String, Set<String>> graph = moduleGraph();
        assertThat(graph.get(API)).as("harness-api's project dependencies").isEmpty();
        assertThat(graph.get("harness-data")).as("harness-data's project dependencies").isEmpty();
        assertThat(closure(graph, "harness-kernels")).containsExactly(API);
        assertThat(closure(graph, "harness-training")).containsExactly(API);
    }

    @Test
    void attacksCertifiersOnnxAndReportsReachTheApiAlone() throws Exception {
        Map<String, Set<String>> graph = moduleGraph();
        for (String plugin : List.of("attacks", "certifiers", "onnx", "reports")) {
            assertThat(closure(graph, plugin)).as(plugin + "'s module closure").containsExactly(API);
        }
    }

    @Test
    void onlyTheAppReachesTheDataSetsAndKernelsAndOnlyDefensesAndTheAppTheTrainingLoop() throws Exception {
        Map<String, Set<String>> graph = moduleGraph();
        Map<String, Set<String>> allowed = Map.of("harness-data", Set.of("harness-app", "spark"),
                "harness-kernels", Set.of("harness-app", "spark"),
                "harness-training", Set.of("defenses", "harness-app", "spark"));
        for (String module : graph.keySet()) {
            for (Map.Entry<String, Set<String>> moved : allowed.entrySet()) {
                if (closure(graph, module).contains(moved.getKey())) {
                    assertThat(moved.getValue()).as(module + " reaches " + moved.getKey()).contains(module);
                }
            }
        }
    }

    @Test
    void theApiHoldsNoClassOfTheDataKernelsOrTrainingModules() throws Exception {
        Path api = location(Attack.class);
        List<String> classes = classNames(api);
        assertThat(classes).contains("dev/defensebench/spi/Attack.class", "dev/defensebench/train/Losses.class");
        assertThat(classes).noneMatch(c -> c.startsWith("dev/defensebench/data/"))
                .noneMatch(c -> c.startsWith("dev/defensebench/kernels/"));
        assertThat(classes.stream().filter(c -> c.startsWith("dev/defensebench/train/")))
                .as("the training loop's package in harness-api: the losses alone")
                .containsExactly("dev/defensebench/train/Losses.class");
        for (Class<?> moved : List.of(SgdTraining.class, DatasetRegistry.class, KernelProbe.class)) {
            assertThat(location(moved)).as(moved.getName()).isNotEqualTo(api);
        }
    }

    @Test
    void anAttackFromOutsideCompilesAgainstTheApiAndAttacksJarsAlone(@TempDir Path work) throws Exception {
        List<Path> classPath = new ArrayList<>(List.of(location(Attack.class), location(FixedEpsilonAttack.class)));
        classPath.addAll(libraries());
        Path classes = compile(work, classPath);
        List<URL> urls = new ArrayList<>(List.of(classes.toUri().toURL()));
        for (Path p : classPath) {
            urls.add(p.toUri().toURL());
        }
        try (URLClassLoader alone = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader())) {
            Object attack = alone.loadClass("outside.plugin.SignStep").getDeclaredConstructor().newInstance();
            assertThat(alone.loadClass(Attack.class.getName()).isInstance(attack)).isTrue();
            assertThat(attack.getClass().getMethod("name").invoke(attack)).isEqualTo("sign-step");
            for (Class<?> moved : List.of(SgdTraining.class, DatasetRegistry.class, KernelProbe.class)) {
                assertThatThrownBy(() -> alone.loadClass(moved.getName())).isInstanceOf(ClassNotFoundException.class);
            }
        }
    }

    private static final String SOURCE = String.join("\n",
            "package outside.plugin;",
            "import ai.djl.ndarray.NDArray;",
            "import dev.defensebench.attacks.FixedEpsilonAttack;",
            "import dev.defensebench.spi.*;",
            "import dev.defensebench.train.Losses;",
            "import java.util.*;",
            "/** One signed gradient step: an attack built outside the repository. */",
            "public final class SignStep extends FixedEpsilonAttack {",
            "  public String name() { return \"sign-step\"; }",
            "  public AttackTraits traits() { return AttackTraits.fixedEpsilon(\"Sign step\", AttackTraits.Access.GRADIENT, null); }",
            "  public String description() { return \"one signed gradient step\"; }",
            "  public List<ParamSpec> parameters() { return List.of(); }",
            "  public Set<Norm> norms() { return Set.of(Norm.LINF); }",
            "  protected NDArray perturb(Classifier model, NDArray x, NDArray labels, Norm norm, double eps,",
            "      Hyperparameters params, Random random) {",
            "    NDArray g = model.inputGradient(x, z -> Losses.crossEntropyPerSample(z, labels).sum());",
            "    return model.box().clip(x.add(g.sign().mul(eps)));",
            "  }",
            "}",
            "");

    /** Compiles {@link #SOURCE} with exactly {@code classPath}; returns its class directory. */
    private static Path compile(Path work, List<Path> classPath) throws IOException {
        Path source = work.resolve("src/outside/plugin/SignStep.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, SOURCE);
        Path classes = work.resolve("classes");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        String path = classPath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        int status = javac.run(null, null, errors, "-classpath", path, "-d", classes.toString(), source.toString());
        assertThat(status).as(errors.toString(StandardCharsets.UTF_8)).isZero();
        return classes;
    }

    /** The entries of this test's class path that hold no class of the project: the third-party libraries. */
    private static List<Path> libraries() throws IOException {
        List<Path> libraries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.exists(p) && classNames(p).stream().noneMatch(c -> c.startsWith("dev/defensebench/"))) {
                libraries.add(p);
            }
        }
        return libraries;
    }

    /** The jar or class directory {@code type} was loaded from. */
    private static Path location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath().normalize();
    }

    /** The class files of a jar or a class directory, as paths relative to its root ({@code a/b/C.class}). */
    private static List<String> classNames(Path location) throws IOException {
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location)) {
                return files.filter(f -> f.toString().endsWith(".class"))
                        .map(f -> location.relativize(f).toString().replace(File.separatorChar, '/')).sorted().toList();
            }
        }
        try (JarFile jar = new JarFile(location.toFile())) {
            return jar.stream().map(e -> e.getName()).filter(n -> n.endsWith(".class")).sorted().toList();
        }
    }

    private static Element root(Path pom) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    /** The direct child elements of {@code parent} named {@code name} (none when {@code parent} is null). */
    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent == null ? null : parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                found.add(e);
            }
        }
        return found;
    }

    private static List<String> childTexts(Element parent, String list, String item) {
        return children(child(parent, list), item).stream().map(e -> e.getTextContent().trim()).toList();
    }

    /** The text of {@code parent}'s direct child {@code name}, or null when it has none. */
    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent().trim();
    }
}
