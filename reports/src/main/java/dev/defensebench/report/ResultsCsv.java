package dev.defensebench.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.defensebench.files.AtomicFiles;
import dev.defensebench.files.Json;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads and writes {@code results.csv}: RFC 4180 quoting (Apache Commons CSV), UTF-8, a header row
 * with the {@link ResultColumn} names, {@code \n} line ends. Doubles are written with full precision
 * ({@link Double#toString}) and NaN as an empty cell, so a write followed by a read gives back equal
 * rows.
 */
public final class ResultsCsv {

    private static final CSVFormat WRITE_FORMAT = CSVFormat.RFC4180.builder()
            .setRecordSeparator("\n")
            .setHeader(ResultColumn.headers().toArray(String[]::new))
            .get();

    private static final CSVFormat READ_FORMAT = CSVFormat.RFC4180.builder()
            .setIgnoreEmptyLines(true)
            .get();

    private ResultsCsv() {
    }

    /**
     * Writes {@code rows} to {@code file} atomically (temporary file in the same directory, then an
     * atomic rename): on any failure the previous file, if any, is left as it was.
     */
    public static void write(Path file, List<ResultRow> rows) throws IOException {
        AtomicFiles.write(file, out -> {
            CSVPrinter printer = new CSVPrinter(out, WRITE_FORMAT);
            for (ResultRow row : rows) {
                for (ResultColumn column : ResultColumn.all()) {
                    printer.print(format(column.valueOf(row)));
                }
                printer.println();
            }
            printer.flush();
        });
    }

    /**
     * Reads a file written by {@link #write}. The header must hold every {@link ResultColumn} exactly
     * once (in any order; an {@linkplain ResultColumn#optional() optional} one may be absent) and nothing else.
     *
     * @throws ResultsCsvException naming file, line, column, expected type and found text on bad content
     */
    public static List<ResultRow> read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        LineIndex lines = new LineIndex(text);
        List<ResultRow> rows = new ArrayList<>();
        try (CSVParser parser = CSVParser.builder().setReader(new StringReader(text)).setFormat(READ_FORMAT).get()) {
            Iterator<CSVRecord> records = parser.iterator();
            if (!records.hasNext()) {
                throw new ResultsCsvException(file, 1, null,
                        "empty file; expected the header " + String.join(",", ResultColumn.headers()));
            }
            int[] positions = headerPositions(file, records.next());
            while (records.hasNext()) {
                CSVRecord record = records.next();
                long line = lines.lineOf(record.getCharacterPosition());
                rows.add(requirePlausible(file, line, parseRow(file, line, record, positions)));
            }
        } catch (UncheckedIOException e) {
            throw malformed(file, e.getCause());
        } catch (ResultsCsvException e) {
            throw e;
        } catch (IOException e) {
            throw malformed(file, e);
        }
        return rows;
    }

    /**
     * Refuses a robust accuracy above the clean accuracy of the same row: both count the same test points,
     * and an attack cannot make a model right where it was wrong (the harness counts a point the model gets
     * wrong unattacked as broken), so such a row was edited or damaged. A certified row is exempt: it
     * certifies a smoothed classifier, which can be right where the model alone is wrong.
     */
    private static ResultRow requirePlausible(Path file, long line, ResultRow row) throws ResultsCsvException {
        if (row.robustAccuracy() > row.cleanAccuracy() && !row.isCertified()) {
            throw new ResultsCsvException(file, line, ResultColumn.ROBUST_ACCURACY.header(), "robust accuracy "
                    + row.robustAccuracy() + " is above the clean accuracy " + row.cleanAccuracy() + " of " + row.model()
                    + " on the same test points (" + row.attack() + ", " + row.norm() + " eps " + row.epsilon()
                    + "); an attack cannot raise accuracy: the file was edited or is damaged");
        }
        return row;
    }

    private static ResultsCsvException malformed(Path file, IOException cause) {
        ResultsCsvException error = new ResultsCsvException(file, 0, null, "malformed CSV: " + cause.getMessage());
        error.initCause(cause);
        return error;
    }

    /**
     * For each column (enum order), its index in the file's records. A bad header is reported with
     * every missing and every unexpected column; the exception's column is the first of them.
     */
    private static int[] headerPositions(Path file, CSVRecord header) throws ResultsCsvException {
        Map<String, Integer> seen = new HashMap<>();
        List<String> unexpected = new ArrayList<>();
        for (int i = 0; i < header.size(); i++) {
            String name = header.get(i);
            Integer earlier = seen.putIfAbsent(name, i);
            if (earlier != null) {
                throw new ResultsCsvException(file, 1, name,
                        "duplicate column (fields " + (earlier + 1) + " and " + (i + 1) + ")");
            }
            if (!ResultColumn.headers().contains(name)) {
                unexpected.add(name);
            }
        }
        List<String> missing = ResultColumn.all().stream().filter(c -> !c.optional() && !seen.containsKey(c.header()))
                .map(ResultColumn::header).toList();
        if (!missing.isEmpty() || !unexpected.isEmpty()) {
            List<String> problems = new ArrayList<>();
            if (!missing.isEmpty()) {
                problems.add((missing.size() == 1 ? "missing column " : "missing columns ")
                        + missing.stream().map(m -> "'" + m + "'").collect(Collectors.joining(", ")));
            }
            unexpected.forEach(u -> problems.add("unexpected column '" + u + "' (field " + (seen.get(u) + 1) + ")"));
            String first = missing.isEmpty() ? unexpected.get(0) : missing.get(0);
            throw new ResultsCsvException(file, 1, first, "bad header: " + String.join("; ", problems)
                    + "; expected " + String.join(",", ResultColumn.headers())
                    + "; found " + String.join(",", header.toList()));
        }
        int[] positions = new int[ResultColumn.all().size()];
        for (ResultColumn column : ResultColumn.all()) {
            positions[column.ordinal()] = seen.getOrDefault(column.header(), -1);
        }
        return positions;
    }

    private static ResultRow parseRow(Path file, long line, CSVRecord record, int[] positions)
            throws ResultsCsvException {
        int fields = (int) java.util.Arrays.stream(positions).filter(p -> p >= 0).count();
        if (record.size() != fields) {
            throw new ResultsCsvException(file, line, null, "expected " + fields + " fields, found " + record.size());
        }
        Object[] values = new Object[positions.length];
        for (ResultColumn column : ResultColumn.all()) {
            int position = positions[column.ordinal()];
            values[column.ordinal()] = position < 0 ? null : parseValue(file, line, column, position, record.get(position));
        }
        try {
            return new ResultRow((String) values[0], (String) values[1], (String) values[2],
                    (String) values[3], (String) values[4], (String) values[5], (Long) values[6],
                    (String) values[7], (String) values[8], (String) values[9], (Double) values[10],
                    (Integer) values[11], (Double) values[12], (Double) values[13], (Double) values[14],
                    (Double) values[15], (Double) values[16], (Double) values[17], (Double) values[18],
                    (String) values[19], (String) values[20], (Double) values[21], (String) values[22],
                    (String) values[23], values[24] == null ? Double.NaN : (Double) values[24]);
        } catch (IllegalArgumentException e) {
            throw new ResultsCsvException(file, line, null, "invalid row: " + e.getMessage());
        }
    }

    private static Object parseValue(Path file, long line, ResultColumn column, int position, String text)
            throws ResultsCsvException {
        try {
            switch (column.type()) {
                case TEXT:
                    if (column == ResultColumn.ATTACK_PARAMS && !text.isEmpty()) {
                        Json.MAPPER.readTree(text);
                    }
                    return text;
                case LONG:
                    return Long.parseLong(text);
                case INT:
                    return Integer.parseInt(text);
                case DOUBLE:
                    return text.isEmpty() ? Double.NaN : parseDouble(text);
                default:
                    throw new AssertionError(column.type());
            }
        } catch (NumberFormatException | JsonProcessingException e) {
            String expected = column == ResultColumn.ATTACK_PARAMS ? "JSON" : column.type().description();
            throw new ResultsCsvException(file, line, column.header(), "(field " + (position + 1) + ") expected "
                    + expected + ", found " + quote(text));
        }
    }

    /** {@link Double#parseDouble} without its leniencies (surrounding blanks, "d"/"f" suffixes, hex). */
    private static double parseDouble(String text) {
        boolean special = text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity");
        if (!special && !text.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) {
            throw new NumberFormatException(text);
        }
        return Double.parseDouble(text);
    }

    private static String format(Object value) {
        if (value instanceof Double d) {
            return d.isNaN() ? "" : Double.toString(d);
        }
        return String.valueOf(value);
    }

    private static String quote(String text) {
        String shown = text.length() > 60 ? text.substring(0, 60) + "..." : text;
        return "\"" + shown.replace("\n", "\\n").replace("\r", "\\r") + "\"";
    }
}
