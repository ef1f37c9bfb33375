package dev.defensebench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The results.csv schema table of docs/results.md lists exactly the columns the code writes, in file order. */
class ReadmeSchemaTest {

    @Test
    void readmeSchemaTableMatchesResultColumns() throws Exception {
        String readme = Files.readString(Path.of("..", "docs", "results.md"), StandardCharsets.UTF_8);
        int start = readme.indexOf("## results.csv");
        assertThat(start).as("docs/results.md has a '## results.csv' section").isGreaterThanOrEqualTo(0);
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        Matcher m = Pattern.compile("(?m)^\\| `([a-z0-9_]+)` \\|").matcher(section);
        List<String> documented = new ArrayList<>();
        while (m.find()) {
            documented.add(m.group(1));
        }
        assertThat(documented).containsExactlyElementsOf(ResultColumn.headers());
    }
}
