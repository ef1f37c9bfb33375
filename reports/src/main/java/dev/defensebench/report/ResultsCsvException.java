package dev.defensebench.report;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A results CSV file is malformed: wrong header, wrong field count or a value of the wrong type. The
 * message starts with {@code file:line} and names the column, the expected type and the text found.
 */
public class ResultsCsvException extends IOException {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long line;
    private final String column;

    /**
     * @param file    the offending file
     * @param line    1-based line number where the problem is (0 when unknown)
     * @param column  the column's header name, or null when the problem is not about one column
     * @param problem what is wrong, naming what was expected and what was found
     */
    public ResultsCsvException(Path file, long line, String column, String problem) {
        super(file + (line > 0 ? ":" + line : "") + (column != null ? ": column '" + column + "'" : "")
                + ": " + problem);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    /** The offending file. */
    public Path file() {
        return file;
    }

    /** The 1-based line number of the problem, 0 when unknown. */
    public long line() {
        return line;
    }

    /** The header name of the offending column, or null. */
    public String column() {
        return column;
    }
}
