package dev.defensebench.app.config;

import java.io.StringReader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.NodeEvent;

/**
 * Refuses YAML anchors ({@code &name}) and aliases ({@code *name}) in an experiment file. The YAML binding
 * does not resolve them: an alias arrives as the text of its name, so {@code name: *nm} named an entry
 * "nm" and {@code defense: *dd} looked for a defense "dd". One line names the file, the line and column,
 * and the anchor or alias instead. Reads the events of SnakeYAML, the parser under Jackson's YAML format.
 */
final class YamlAnchors {

    private YamlAnchors() {}

    /**
     * Throws an {@link ExperimentException} at the first anchor or alias of {@code text}; a syntax error is
     * left for the binding to report with its own message.
     */
    static void refuse(String source, String text) {
        try {
            for (Event event : new Yaml(new LoaderOptions()).parse(new StringReader(text))) {
                if (event instanceof AliasEvent alias) {
                    throw refused(source, event.getStartMark(), "the alias *" + ExperimentLoader.excerpt(alias.getAnchor()));
                }
                if (event instanceof NodeEvent node && node.getAnchor() != null) {
                    throw refused(source, event.getStartMark(), "the anchor &" + ExperimentLoader.excerpt(node.getAnchor()));
                }
            }
        } catch (YAMLException e) {
            // not valid YAML: the binding reports it with its line
        }
    }

    private static ExperimentException refused(String source, Mark at, String what) {
        return new ExperimentException(source + ":" + (at.getLine() + 1) + ":" + (at.getColumn() + 1) + ": " + what
                + ": YAML anchors and aliases are not supported in experiment files; write the value out where it is used");
    }
}
