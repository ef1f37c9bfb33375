package dev.defensebench.app.run;

import dev.defensebench.report.ResultRow;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code results.csv} back into rows for the assertions. A small RFC 4180 reader of its own:
 * {@code ResultsCsv.read} cannot run on this module's class path (commons-csv 1.14.1 needs a newer
 * commons-io than the 2.16.1 that commons-compress brings in nearer; see the report).
 */
final class ResultsFile {

    private ResultsFile() {}

    /** The records of a CSV file keyed by the header's names. */
    static List<Map<String, String>> records(Path file) throws IOException {
        List<List<String>> lines = parse(Files.readString(file, StandardCharsets.UTF_8));
        List<String> header = lines.get(0);
        List<Map<String, String>> records = new ArrayList<>();
        for (List<String> line : lines.subList(1, lines.size())) {
            if (line.size() != header.size()) {
                throw new IllegalStateException(file + ": " + line.size() + " fields, header has " + header.size());
            }
            Map<String, String> record = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                record.put(header.get(i), line.get(i));
            }
            records.add(record);
        }
        return records;
    }

    /** The rows of a results file. */
    static List<ResultRow> read(Path file) throws IOException {
        List<ResultRow> rows = new ArrayList<>();
        for (Map<String, String> r : records(file)) {
            rows.add(ResultRow.builder().experiment(r.get("experiment")).model(r.get("model")).defense(r.get("defense"))
                    .architecture(r.get("architecture")).dataset(r.get("dataset")).preprocessing(r.get("preprocessing"))
                    .seed(Long.parseLong(r.get("seed"))).cellHash(r.get("cell_hash")).attack(r.get("attack"))
                    .norm(r.get("norm")).epsilon(number(r.get("epsilon"))).samples(Integer.parseInt(r.get("samples")))
                    .cleanAccuracy(number(r.get("clean_accuracy"))).robustAccuracy(number(r.get("robust_accuracy")))
                    .robustCi(number(r.get("robust_ci_low")), number(r.get("robust_ci_high"))).rho2(number(r.get("rho2")))
                    .trainSeconds(number(r.get("train_seconds"))).attackSeconds(number(r.get("attack_seconds")))
                    .attackParams(r.get("attack_params")).access(r.get("access"))
                    .attackImagesPerSecond(number(r.get("attack_images_per_second"))).build());
        }
        return rows;
    }

    private static double number(String text) {
        return text.isEmpty() ? Double.NaN : Double.parseDouble(text);
    }

    private static List<List<String>> parse(String text) {
        List<List<String>> lines = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                fields.add(field.toString());
                field.setLength(0);
                lines.add(fields);
                fields = new ArrayList<>();
            } else {
                field.append(c);
            }
        }
        if (field.length() > 0 || !fields.isEmpty()) {
            fields.add(field.toString());
            lines.add(fields);
        }
        return lines;
    }
}
