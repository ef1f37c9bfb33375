package dev.defensebench.data;

import java.io.IOException;
import java.util.List;

/**
 * No source could supply a verified copy of a required file. The message lists every source tried with
 * the reason it failed, and says how to supply the file by hand.
 */
public class DataUnavailableException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient List<String> failures;

    /** @param failures one line per source: its description and why it failed */
    public DataUnavailableException(String message, List<String> failures) {
        super(message);
        this.failures = List.copyOf(failures);
    }

    /** One line per source tried: its description and why it failed. */
    public List<String> failures() {
        return failures;
    }
}
