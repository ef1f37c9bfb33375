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
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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

    /** A run of non-blank characters longer than an excerpt. */
    private static final Pattern LONG_TOKEN = Pattern.compile("\\S{" + (EXCERPT + 1) + ",}");
    /** The value Jackson's coercion messages quote: {@code value ("100") to} or {@code value (100.5) to}. */
    private static final Pattern QUOTED_VALUE = Pattern.compile("value \\((\"?)(.*?)\\1\\) to", Pattern.DOTALL);

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
        return new ExperimentResolver(plugins, datasets).resolve(source, experiment);
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
}
