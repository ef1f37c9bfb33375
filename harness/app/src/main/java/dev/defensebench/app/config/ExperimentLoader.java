package dev.defensebench.app.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.defensebench.app.plan.Plan;
import dev.defensebench.data.Preprocessing;
import dev.defensebench.onnx.OnnxArchitecture;
import dev.defensebench.spi.Defense;
import dev.defensebench.spi.Hyperparameters;
import dev.defensebench.spi.Norm;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads and validates experiment files. Every problem is reported with the file, the place (line
 * and column for syntax and unknown keys, the entry for values) and what is allowed. Limits: a file of
 * at most {@value #MAX_BYTES} bytes, UTF-8; names of at most {@value #MAX_NAME} characters; numbers
 * written as numbers (a quoted "100" where a number belongs is an error). Messages quote at most a short
 * excerpt of what they found.
 */
public final class ExperimentLoader {

    /** The largest experiment file read (1 MiB); a real one is a few kilobytes. */
    public static final int MAX_BYTES = 1 << 20;
    /** The longest experiment or entry name (it becomes part of directory names). */
    public static final int MAX_NAME = 100;
    /** The longest excerpt of a found value that a message quotes. */
    static final int EXCERPT = 60;

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    /** A run of non-blank characters longer than an excerpt. */
    private static final Pattern LONG_TOKEN = Pattern.compile("\\S{" + (EXCERPT + 1) + ",}");
    /** The value Jackson's coercion messages quote: {@code value ("100") to} or {@code value (100.5) to}. */
    private static final Pattern QUOTED_VALUE = Pattern.compile("value \\((\"?)(.*?)\\1\\) to", Pattern.DOTALL);
    private static final Set<String> DEVICES = Set.of("auto", "cpu", "gpu");

    private final Plugins plugins;
    private final Set<String> datasets;
    private final ObjectMapper yaml;

    public ExperimentLoader(Plugins plugins, Set<String> datasets) {
        this.plugins = plugins;
        this.datasets = datasets;
        this.yaml = new ObjectMapper(new YAMLFactory())
                .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        for (LogicalType type : List.of(LogicalType.Integer, LogicalType.Float, LogicalType.Boolean)) {
            yaml.coercionConfigFor(type).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
    }

    /** Parses and validates {@code file}. */
    public Experiment load(Path file) {
        return parse(file.toString(), read(file));
    }

    /**
     * The text of experiment file {@code file}; the error names the file (and, for a file that is not
     * UTF-8, the byte offset and line of the first bad byte).
     */
    public String read(Path file) {
        byte[] bytes;
        try {
            if (Files.isRegularFile(file) && Files.size(file) > MAX_BYTES) {
                throw new ExperimentException(file + ": " + Files.size(file) + " bytes; experiment files are limited to "
                        + MAX_BYTES + " bytes (1 MiB)");
            }
            try (InputStream in = Files.newInputStream(file)) {
                bytes = in.readNBytes(MAX_BYTES + 1);
            }
        } catch (NoSuchFileException e) {
            throw new ExperimentException(file + ": no such experiment file");
        } catch (IOException e) {
            throw new ExperimentException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (bytes.length > MAX_BYTES) {
            throw new ExperimentException(file + ": more than " + MAX_BYTES + " bytes; experiment files are limited to "
                    + MAX_BYTES + " bytes (1 MiB)");
        }
        return Utf8Text.decode(file.toString(), bytes);
    }

    /** Parses and validates experiment text; {@code source} names it in errors. */
    public Experiment parse(String source, String text) {
        if (text.length() > MAX_BYTES) {
            throw new ExperimentException(source + ": " + text.length() + " characters; experiment files are limited to "
                    + MAX_BYTES + " bytes (1 MiB)");
        }
        if (isEmpty(text)) {
            throw new ExperimentException(source + ": the file is empty");
        }
        YamlAnchors.refuse(source, text);
        ExperimentFile experiment;
        try {
            experiment = yaml.readValue(text, ExperimentFile.class);
        } catch (UnrecognizedPropertyException e) {
            // Records bind through their constructor, so Jackson buffers unknown keys and reports them at
            // the end of the enclosing mapping; find the key itself for the line and column.
            JsonLocation at = locate(text, e.getPath());
            List<JsonMappingException.Reference> container = e.getPath().isEmpty() ? e.getPath()
                    : e.getPath().subList(0, e.getPath().size() - 1);
            throw new ExperimentException(String.format(Locale.ROOT, "%s%s: unknown key '%s' in %s; allowed: %s",
                    source, where(at != null ? at : e.getLocation()), excerpt(e.getPropertyName()), path(container),
                    e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.toList())), e);
        } catch (JsonMappingException e) {
            throw new ExperimentException(String.format(Locale.ROOT, "%s%s: bad value at %s: %s",
                    source, where(e.getLocation()), path(e), valueProblem(e)), e);
        } catch (JsonProcessingException e) {
            throw new ExperimentException(source + where(e.getLocation()) + ": not valid YAML: "
                    + shorten(e.getOriginalMessage()), e);
        }
        if (experiment == null) {
            throw new ExperimentException(source + ": the file is empty");
        }
        return validate(source, experiment);
    }

    /** What is wrong with a value, in words; a number written as a string is named as such. */
    private static String valueProblem(JsonMappingException e) {
        if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
            Class<?> type = m.getTargetType();
            boolean integral = type == int.class || type == long.class || type == Integer.class || type == Long.class;
            boolean number = integral || type == double.class || type == Double.class || type == float.class
                    || type == Float.class;
            String original = String.valueOf(m.getOriginalMessage());
            String found = found(m);
            if (number && original.contains("String value")) {
                return "expected " + (integral ? "an integer" : "a number") + ", found the text " + found
                        + " (a number is written without quotes)";
            }
            if (integral && original.contains("Floating-point value")) {
                return "expected an integer, found the decimal number " + found;
            }
            if ((type == boolean.class || type == Boolean.class) && original.contains("String value")) {
                return "expected true or false, found the text " + found;
            }
        }
        return shorten(e.getOriginalMessage());
    }

    /** The value Jackson's message quotes ("... value ("100") to ..."), quoted and cut to an excerpt. */
    private static String found(MismatchedInputException e) {
        Matcher m = QUOTED_VALUE.matcher(String.valueOf(e.getOriginalMessage()));
        return m.find() ? "\"" + excerpt(m.group(2)) + "\"" : "?";
    }

    /** {@code value}, or its first {@value #EXCERPT} characters and its length when longer. */
    static String excerpt(String value) {
        return value.length() <= EXCERPT ? value
                : value.substring(0, EXCERPT) + "… (" + value.length() + " characters)";
    }

    /** {@code message} with every long run of non-blank characters cut to an excerpt, and at most 500 characters. */
    static String shorten(String message) {
        if (message == null) {
            return "";
        }
        Matcher m = LONG_TOKEN.matcher(message);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(excerpt(m.group())));
        }
        m.appendTail(out);
        return out.length() <= 500 ? out.toString() : out.substring(0, 500) + "…";
    }

    private static String where(JsonLocation location) {
        return location == null || location.getLineNr() < 0 ? "" : ":" + location.getLineNr() + ":" + location.getColumnNr();
    }

    /** Whether the text holds no YAML document, or an empty one (only blanks, comments or "---"). */
    private boolean isEmpty(String text) {
        try (JsonParser p = yaml.getFactory().createParser(text)) {
            JsonToken first = p.nextToken();
            return first == null || first == JsonToken.VALUE_NULL && p.nextToken() == null;
        } catch (IOException e) {
            return false; // a syntax error: reported by the binding below
        }
    }

    /** The location of the key (or element) at {@code path} in {@code text}, or null if not found. */
    private JsonLocation locate(String text, List<JsonMappingException.Reference> path) {
        try (JsonParser p = yaml.getFactory().createParser(text)) {
            p.nextToken();
            for (int i = 0; i < path.size(); i++) {
                JsonMappingException.Reference r = path.get(i);
                if (r.getIndex() == 0 && p.currentToken() != JsonToken.START_ARRAY) {
                    continue; // a single value accepted as a one-element list
                } else if (r.getIndex() >= 0 && p.currentToken() == JsonToken.START_ARRAY) {
                    for (int k = 0; k <= r.getIndex(); k++) {
                        if (k > 0) {
                            p.skipChildren();
                        }
                        if (p.nextToken() == JsonToken.END_ARRAY) {
                            return null;
                        }
                    }
                } else if (r.getFieldName() != null && p.currentToken() == JsonToken.START_OBJECT) {
                    while (true) {
                        if (p.nextToken() != JsonToken.FIELD_NAME) {
                            return null;
                        }
                        boolean match = r.getFieldName().equals(p.currentName());
                        if (match && i == path.size() - 1) {
                            return p.currentTokenLocation();
                        }
                        p.nextToken();
                        if (match) {
                            break;
                        }
                        p.skipChildren();
                    }
                } else {
                    return null;
                }
            }
            return path.isEmpty() ? null : p.currentTokenLocation();
        } catch (IOException e) {
            return null;
        }
    }

    private static String path(JsonMappingException e) {
        return path(e.getPath());
    }

    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : references) {
            if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            } else if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            }
        }
        return sb.length() == 0 ? "the top level" : "'" + sb + "'";
    }

    private Experiment validate(String source, ExperimentFile e) {
        require(source, e.name() != null, "'name' is required");
        requireSafeName(source, "", e.name(), "the output directory");
        Set<String> known = new java.util.TreeSet<>(datasets);
        known.add(dev.defensebench.data.ImageFolderLoader.NAME);
        require(source, e.dataset() != null, "'dataset' is required; known: " + known);
        require(source, known.contains(e.dataset()), "unknown dataset '" + e.dataset() + "'; known: " + known);
        String folderProblem = ImageFolderConfig.problem(e);
        require(source, folderProblem == null, folderProblem);
        try {
            Preprocessing.parse(e.preprocessing());
        } catch (IllegalArgumentException ex) {
            throw new ExperimentException(source + ": 'preprocessing': " + ex.getMessage());
        }
        require(source, e.trainSize() == null || e.trainSize() > 0, "'train_size' must be > 0, found " + e.trainSize());
        require(source, e.testSize() > 0, "'test_size' must be > 0, found " + e.testSize());
        require(source, e.evalBatchSize() > 0, "'eval_batch_size' must be > 0, found " + e.evalBatchSize());
        require(source, !e.seeds().isEmpty(), "'seeds' must list at least one seed");
        require(source, new HashSet<>(e.seeds()).size() == e.seeds().size(), "'seeds' has duplicates: " + e.seeds());
        require(source, DEVICES.contains(e.device()), "'device' must be one of " + DEVICES + ", found '" + e.device() + "'");
        require(source, !e.models().isEmpty(), "'models' must list at least one entry");
        Map<String, ModelEntry> byName = new HashMap<>();
        for (int i = 0; i < e.models().size(); i++) {
            ModelEntry m = e.models().get(i);
            String at = "models[" + i + "]";
            require(source, m.name() != null, at + ": 'name' is required");
            requireSafeName(source, at + ": ", m.name(), "the entry's model directories");
            require(source, byName.put(m.name(), m) == null, at + ": the name '" + m.name() + "' is used twice");
            at = at + " '" + m.name() + "'";
            if (m.isImported()) {
                validateImported(source, at, m, e);
                continue;
            }
            requireNoOnnxKeys(source, at, m);
            require(source, m.defense() != null, at + ": 'defense' is required; known: " + plugins.defenses().keySet());
            Defense defense = wrap(source, at, () -> plugins.defense(m.defense()));
            if (Plan.importedRoot(m, e.models()) != null) {
                require(source, m.architectures().isEmpty() || m.architectures().equals(List.of(OnnxArchitecture.NAME)),
                        at + ": it fine-tunes the imported model '" + Plan.importedRoot(m, e.models()).name() + "', whose graph is its "
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
        for (int i = 0; i < e.models().size(); i++) {
            ModelEntry m = e.models().get(i);
            if (m.initFrom() == null) {
                continue;
            }
            String at = "models[" + i + "] '" + m.name() + "'";
            ModelEntry parent = byName.get(m.initFrom());
            require(source, parent != null, at + ": 'init_from' names '" + m.initFrom() + "', which is not an entry; entries: "
                    + e.models().stream().map(ModelEntry::name).collect(Collectors.toList()));
            require(source, !parent.isImported() || parent.rebuildInDjl(), at + ": 'init_from' names the ONNX entry '"
                    + parent.name() + "', which has 'white_box: false'; a model scored only through ONNX Runtime cannot be "
                    + "fine-tuned (remove 'white_box: false' so that the graph interpreter runs it)");
            require(source, parent.isImported() || Plan.importedRoot(m, e.models()) != null || parent.architectures().containsAll(m.architectures()),
                    at + ": 'init_from' entry '" + parent.name() + "' is trained on " + parent.architectures()
                            + " but this entry needs " + m.architectures());
            Set<String> seen = new HashSet<>();
            for (ModelEntry p = m; p != null && p.initFrom() != null; p = byName.get(p.initFrom())) {
                require(source, seen.add(p.name()), at + ": 'init_from' forms a cycle through " + seen);
            }
        }
        List<ResolvedAttack> attacks = new ArrayList<>();
        for (int i = 0; i < e.attacks().size(); i++) {
            AttackEntry a = e.attacks().get(i);
            String at = "attacks[" + i + "]";
            attacks.add(wrap(source, "", () -> ResolvedAttack.resolve(at, a, plugins)));
        }
        List<ResolvedCertifier> certifiers = resolveCertifiers(source, e);
        validateTiming(source, e);
        return new Experiment(e, attacks, certifiers, Preprocessing.parse(e.preprocessing()),
                headlineByLabel(source, e, attacks));
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
            grids.computeIfAbsent(a.norm(), n -> new java.util.TreeSet<>()).addAll(a.epsilons());
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

    /** A name that becomes part of paths: safe characters, not "." or "..", at most {@value #MAX_NAME} characters. */
    private static void requireSafeName(String source, String at, String name, String names) {
        if (name.length() > MAX_NAME) {
            throw new ExperimentException(source + ": " + at + "'name' has " + name.length() + " characters; at most "
                    + MAX_NAME + " are allowed (it names " + names + "); it starts '" + name.substring(0, 20) + "'");
        }
        require(source, SAFE_NAME.matcher(name).matches() && !name.equals(".") && !name.equals(".."),
                at + "'name' must use only letters, digits, '.', '_' and '-', and not be '.' or '..' (it names " + names
                        + "), found '" + name + "'");
    }

    private static void require(String source, boolean ok, String message) {
        if (!ok) {
            throw new ExperimentException(source + ": " + shorten(message));
        }
    }

    private static <T> T wrap(String source, String at, java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (ExperimentException | IllegalArgumentException ex) {
            throw new ExperimentException(source + ": " + shorten((at.isEmpty() ? "" : at + ": ") + ex.getMessage()), ex);
        }
    }
}
