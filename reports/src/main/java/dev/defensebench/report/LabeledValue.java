package dev.defensebench.report;

/**
 * A label and its text, as the pages list them: a provenance line of the board, a model card line, a JMH setting.
 *
 * @param label what the value is
 * @param value the value as shown
 */
public record LabeledValue(String label, String value) {
}
