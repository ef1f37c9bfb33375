package dev.defensebench.app.config;

import dev.defensebench.app.plan.Plan;
import dev.defensebench.data.ImageFolderLoader;
import dev.defensebench.data.Preprocessing;
import dev.defensebench.onnx.OnnxArchitecture;
import dev.defensebench.spi.Defense;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks a bound experiment file and resolves it into an {@link Experiment}: every setting is checked (the error
 * names the file, the entry and what is allowed), every plugin looked up, every norm and parameter resolved, once.
 * {@link ExperimentLoader} binds the file and hands it here.
 */
final class ExperimentResolver {

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private static final Set<String> DEVICES = Set.of("auto", "cpu", "gpu");

    private final Plugins plugins;
    private final Set<String> datasets;

    ExperimentResolver(Plugins plugins, Set<String> datasets) {
        this.plugins = plugins;
        this.datasets = datasets;
    }

    /** The experiment of {@code e}, each setting checked and resolved; {@code source} names the file in errors. */
    Experiment resolve(String source, ExperimentFile e) {
        Preprocessing preprocessing = checkSettings(source, e);
        checkModels(source, e);
        List<ResolvedAttack> attacks = new ArrayList<>();
        for (int i = 0; i < e.attacks().size(); i++) {
            AttackEntry a = e.attacks().get(i);
            String at = "attacks[" + i + "]";
            attacks.add(wrap(source, "", () -> ResolvedAttack.resolve(at, a, plugins)));
        }
        List<ResolvedCertifier> certifiers = resolveCertifiers(source, e);
        validateTiming(source, e);
        return new Experiment(e, attacks, certifiers, preprocessing, headlineByLabel(source, e, attacks));
    }

    /** The top-level settings: name, data set, preprocessing (returned, parsed), sizes, seeds and device. */
    private Preprocessing checkSettings(String source, ExperimentFile e) {
        require(source, e.name() != null, "'name' is required");
        requireSafeName(source, "", e.name(), "the output directory");
        Set<String> known = new TreeSet<>(datasets);
        known.add(ImageFolderLoader.NAME);
        require(source, e.dataset() != null, "'dataset' is required; known: " + known);
        require(source, known.contains(e.dataset()), "unknown dataset '" + e.dataset() + "'; known: " + known);
        String folderProblem = ImageFolderConfig.problem(e);
        require(source, folderProblem == null, folderProblem);
        Preprocessing preprocessing;
        try {
            preprocessing = Preprocessing.parse(e.preprocessing());
        } catch (IllegalArgumentException ex) {
            throw new ExperimentException(source + ": 'preprocessing': " + ex.getMessage());
        }
        require(source, e.trainSize() == null || e.trainSize() > 0, "'train_size' must be > 0, found " + e.trainSize());
        require(source, e.testSize() > 0, "'test_size' must be > 0, found " + e.testSize());
        require(source, e.evalBatchSize() > 0, "'eval_batch_size' must be > 0, found " + e.evalBatchSize());
        require(source, !e.seeds().isEmpty(), "'seeds' must list at least one seed");
        require(source, new HashSet<>(e.seeds()).size() == e.seeds().size(), "'seeds' has duplicates: " + e.seeds());
        require(source, DEVICES.contains(e.device()), "'device' must be one of " + DEVICES + ", found '" + e.device() + "'");
        return preprocessing;
    }

    /** Every model entry (names unique and safe, its keys and plugins), then the {@code init_from} links. */
    private void checkModels(String source, ExperimentFile e) {
        require(source, !e.models().isEmpty(), "'models' must list at least one entry");
        Map<String, ModelEntry> byName = new HashMap<>();
        for (int i = 0; i < e.models().size(); i++) {
            ModelEntry m = e.models().get(i);
            String at = "models[" + i + "]";
            require(source, m.name() != null, at + ": 'name' is required");
            requireSafeName(source, at + ": ", m.name(), "the entry's model directories");
            require(source, byName.put(m.name(), m) == null, at + ": the name '" + m.name() + "' is used twice");
            if (m.isImported()) {
                validateImported(source, at + " '" + m.name() + "'", m, e);
            } else {
                checkTrained(source, at + " '" + m.name() + "'", m, e);
            }
        }
        for (int i = 0; i < e.models().size(); i++) {
            if (e.models().get(i).initFrom() != null) {
                checkInitFrom(source, "models[" + i + "] '" + e.models().get(i).name() + "'", e.models().get(i), e, byName);
            }
        }
    }

    /** A trained entry: no ONNX keys, a known defense and architectures, and parameters the defense accepts. */
    private void checkTrained(String source, String at, ModelEntry m, ExperimentFile e) {
        requireNoOnnxKeys(source, at, m);
        require(source, m.defense() != null, at + ": 'defense' is required; known: " + plugins.defenses().keySet());
        Defense defense = wrap(source, at, () -> plugins.defense(m.defense()));
        ModelEntry root = Plan.importedRoot(m, e.models());
        if (root != null) {
            require(source, m.architectures().isEmpty() || m.architectures().equals(List.of(OnnxArchitecture.NAME)),
                    at + ": it fine-tunes the imported model '" + root.name() + "', whose graph is its "
                            + "architecture; remove 'architectures' (found " + m.architectures() + ")");
        } else {
            require(source, !m.architectures().isEmpty(),
                    at + ": 'architectures' must list at least one of " + plugins.architectures().keySet());
            for (String a : m.architectures()) {
                wrap(source, at, () -> plugins.architecture(a));
            }
        }
        String owner = at + " (defense '" + defense.name() + "')";
        Hyperparameters resolved = wrap(source, "", () -> Hyperparameters.resolve(owner, defense.parameters(), m.params()));
        wrap(source, owner, () -> {
            defense.validate(resolved);
            return resolved;
        });
    }

    /** An {@code init_from} link: to an entry, a fine-tunable one on the needed architectures, without a cycle. */
    private static void checkInitFrom(String source, String at, ModelEntry m, ExperimentFile e, Map<String, ModelEntry> byName) {
        ModelEntry parent = byName.get(m.initFrom());
        require(source, parent != null, at + ": 'init_from' names '" + m.initFrom() + "', which is not an entry; entries: "
                + e.models().stream().map(ModelEntry::name).collect(Collectors.toList()));
        require(source, !parent.isImported() || parent.rebuildInDjl(), at + ": 'init_from' names the ONNX entry '"
                + parent.name() + "', which has 'white_box: false'; a model scored only through ONNX Runtime cannot be "
                + "fine-tuned (remove 'white_box: false' so that the graph interpreter runs it)");
        require(source, parent.isImported() || Plan.importedRoot(m, e.models()) != null
                || parent.architectures().containsAll(m.architectures()),
                at + ": 'init_from' entry '" + parent.name() + "' is trained on " + parent.architectures()
                        + " but this entry needs " + m.architectures());
        Set<String> seen = new HashSet<>();
        for (ModelEntry p = m; p != null && p.initFrom() != null; p = byName.get(p.initFrom())) {
            require(source, seen.add(p.name()), at + ": 'init_from' forms a cycle through " + seen);
        }
    }

    /** Each certifier is registered, has a grid of finite radii >= 0 without duplicates, and valid parameters. */
    private List<ResolvedCertifier> resolveCertifiers(String source, ExperimentFile e) {
        Set<String> names = new HashSet<>();
        List<ResolvedCertifier> certifiers = new ArrayList<>();
        for (int i = 0; i < e.certifiers().size(); i++) {
            CertifierEntry c = e.certifiers().get(i);
            String at = "certifiers[" + i + "]";
            certifiers.add(wrap(source, "", () -> ResolvedCertifier.resolve(at, c, plugins, names)));
        }
        return certifiers;
    }

    /**
     * The headline ε by norm label, in file order: each headline norm is a known norm that some attack runs, at an
     * ε of one of that norm's grids.
     */
    private static Map<String, Double> headlineByLabel(String source, ExperimentFile e, List<ResolvedAttack> attacks) {
        Map<Norm, Set<Double>> grids = new HashMap<>();
        for (ResolvedAttack a : attacks) {
            grids.computeIfAbsent(a.norm(), n -> new TreeSet<>()).addAll(a.epsilons());
        }
        Map<String, Double> byLabel = new LinkedHashMap<>();
        e.headline().forEach((key, eps) -> {
            String at = "headline: '" + key + "'";
            Norm norm = wrap(source, at, () -> Norm.parse(key));
            require(source, !byLabel.containsKey(norm.label()), at + ": norm " + norm.label() + " is named twice");
            require(source, grids.containsKey(norm), at + ": no attack runs norm " + norm.label()
                    + "; the attacks run " + grids.keySet().stream().map(Norm::label).sorted().collect(Collectors.toList()));
            require(source, eps != null && grids.get(norm).contains(eps), at + ": ε " + eps + " is in no "
                    + norm.label() + " attack's 'epsilons'; the " + norm.label() + " grids hold " + grids.get(norm));
            byLabel.put(norm.label(), eps);
        });
        return byLabel;
    }

    private static void validateTiming(String source, ExperimentFile e) {
        TimingConfig t = e.timing();
        require(source, TimingConfig.PRESETS.contains(t.preset()),
                "timing: 'preset' must be one of [off, quick, fast, full], found '" + t.preset() + "'");
        require(source, t.forks() >= 0, "timing: 'forks' must be >= 0, found " + t.forks());
        require(source, t.warmupIterations() >= 0, "timing: 'warmup_iterations' must be >= 0, found " + t.warmupIterations());
        require(source, t.iterations() > 0, "timing: 'iterations' must be > 0, found " + t.iterations());
        require(source, t.warmupSeconds() > 0 && t.iterationSeconds() > 0,
                "timing: 'warmup_seconds' and 'iteration_seconds' must be > 0, found " + t.warmupSeconds() + " and "
                        + t.iterationSeconds());
        require(source, t.throughputBatch() > 0 && t.attackBatch() > 0,
                "timing: 'throughput_batch' and 'attack_batch' must be > 0, found " + t.throughputBatch() + " and "
                        + t.attackBatch());
        if (t.attacks() != null) {
            Set<String> run = e.attacks().stream().map(AttackEntry::attack).collect(Collectors.toSet());
            for (String a : t.attacks()) {
                require(source, run.contains(a), "timing: 'attacks' names '" + a + "', which is not in 'attacks'; the "
                        + "experiment runs " + e.attacks().stream().map(AttackEntry::attack).distinct().collect(Collectors.toList()));
            }
        }
    }

    /** The keys of an ONNX entry: no training keys; dataset and preprocessing as the experiment's; a trained surrogate. */
    private static void validateImported(String source, String at, ModelEntry m, ExperimentFile e) {
        require(source, m.defense() == null && m.architectures().isEmpty() && m.initFrom() == null && m.params().isEmpty(),
                at + ": an 'onnx' entry is not trained here: remove 'defense', 'architectures', 'init_from' and 'params'");
        require(source, !m.onnx().isBlank(), at + ": 'onnx' must name a .onnx file");
        require(source, m.dataset() == null || m.dataset().equals(e.dataset()), at + ": 'dataset' is '" + m.dataset()
                + "' but the experiment's dataset is '" + e.dataset() + "'; an ONNX entry is scored on the experiment's data");
        require(source, m.preprocessing() == null || m.preprocessing().equals(e.preprocessing()), at + ": 'preprocessing' is '"
                + m.preprocessing() + "' but the experiment preprocesses '" + e.preprocessing()
                + "'; put the entry in an experiment with the preprocessing the model expects");
        require(source, m.maxMb() == null || m.maxMb() > 0 && Double.isFinite(m.maxMb()), at + ": 'max_mb' must be > 0, found " + m.maxMb());
        require(source, m.output() == null || !m.output().isBlank(), at + ": 'output' must name one of the graph's outputs");
        require(source, m.inputShape() == null || !m.inputShape().isEmpty() && m.inputShape().stream().allMatch(d -> d != null && d > 0),
                at + ": 'input_shape' must list positive sizes of one sample, e.g. [1, 28, 28], found " + m.inputShape());
        if (m.surrogate() != null) {
            ModelEntry s = e.models().stream().filter(x -> m.surrogate().equals(x.name())).findFirst().orElse(null);
            require(source, s != null && !s.isImported(), at + ": 'surrogate' must name a trained entry; trained entries: "
                    + e.models().stream().filter(x -> !x.isImported()).map(ModelEntry::name).collect(Collectors.toList()));
        }
    }

    private static void requireNoOnnxKeys(String source, String at, ModelEntry m) {
        require(source, m.inputShape() == null && m.dataset() == null && m.preprocessing() == null && m.surrogate() == null
                && m.maxMb() == null && m.whiteBox() == null && m.output() == null,
                at + ": 'input_shape', 'dataset', 'preprocessing', 'surrogate', 'max_mb', 'white_box' and 'output' apply only to an "
                        + "'onnx' entry");
    }

    /** A name that becomes part of paths: safe characters, not "." or "..", at most {@value ExperimentLoader#MAX_NAME} characters. */
    private static void requireSafeName(String source, String at, String name, String names) {
        if (name.length() > ExperimentLoader.MAX_NAME) {
            throw new ExperimentException(source + ": " + at + "'name' has " + name.length() + " characters; at most "
                    + ExperimentLoader.MAX_NAME + " are allowed (it names " + names + "); it starts '" + name.substring(0, 20) + "'");
        }
        require(source, SAFE_NAME.matcher(name).matches() && !name.equals(".") && !name.equals(".."),
                at + "'name' must use only letters, digits, '.', '_' and '-', and not be '.' or '..' (it names " + names
                        + "), found '" + name + "'");
    }

    private static void require(String source, boolean ok, String message) {
        if (!ok) {
            throw new ExperimentException(source + ": " + ExperimentLoader.shorten(message));
        }
    }

    private static <T> T wrap(String source, String at, Supplier<T> body) {
        try {
            return body.get();
        } catch (ExperimentException | IllegalArgumentException ex) {
            throw new ExperimentException(source + ": " + ExperimentLoader.shorten((at.isEmpty() ? "" : at + ": ") + ex.getMessage()), ex);
        }
    }
}
