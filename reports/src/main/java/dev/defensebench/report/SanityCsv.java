package dev.defensebench.report;

import dev.defensebench.files.AtomicFiles;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads and writes {@code sanity.csv}: one row per model and sanity check, columns {@link #HEADER},
 * RFC 4180, UTF-8; NaN is an empty cell. Written atomically.
 */
public final class SanityCsv {


    /** The header row, in order. */
    public static final List<String> HEADER = List.of("model", "check", "status", "value", "threshold", "detail");

    private SanityCsv() {
    }

    /** Writes {@code checks} to {@code file} atomically. */
    public static void write(Path file, List<SanityCheck> checks) throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder().setRecordSeparator("\n")
                .setHeader(HEADER.toArray(String[]::new)).get();
        AtomicFiles.write(file, out -> {
            CSVPrinter printer = new CSVPrinter(out, format);
            for (SanityCheck c : checks) {
                printer.printRecord(c.model(), c.check(), c.status().label(), number(c.value()),
                        number(c.threshold()), c.detail());
            }
            printer.flush();
        });
    }

    /**
     * Reads a file written by {@link #write}.
     *
     * @throws ResultsCsvException naming the file, line and column of a bad header or value
     */
    public static List<SanityCheck> read(Path file) throws IOException {
        CSVFormat format = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get();
        List<SanityCheck> checks = new ArrayList<>();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
                CSVParser parser = CSVParser.builder().setReader(in).setFormat(format).get()) {
            if (!parser.getHeaderNames().equals(HEADER)) {
                throw new ResultsCsvException(file, 1, null,
                        "header " + parser.getHeaderNames() + "; expected " + HEADER);
            }
            for (CSVRecord r : parser) {
                long line = r.getRecordNumber() + 1;
                if (r.size() != HEADER.size()) {
                    throw new ResultsCsvException(file, line, null,
                            r.size() + " fields; expected " + HEADER.size());
                }
                try {
                    checks.add(new SanityCheck(r.get("model"), r.get("check"), SanityCheck.Status.parse(r.get("status")),
                            parse(r.get("value")), parse(r.get("threshold")), r.get("detail")));
                } catch (IllegalArgumentException e) {
                    throw new ResultsCsvException(file, line, null, e.getMessage());
                }
            }
        }
        return checks;
    }

    private static String number(double v) {
        return Double.isNaN(v) ? "" : Double.toString(v);
    }

    private static double parse(String text) {
        return text.isEmpty() ? Double.NaN : Double.parseDouble(text);
    }
}
