package dev.defensebench.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.defensebench.app.config.ExperimentLoader;
import dev.defensebench.app.config.Plugins;
import dev.defensebench.data.DatasetRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The GitHub Actions workflow users copy: it parses as YAML, has the jobs the nightly board needs,
 * every {@code ./defense-bench} command it runs parses with this CLI (command and options exist),
 * and every experiment file it names is valid.
 */
class NightlyWorkflowTest {

    private static final Path ROOT = Path.of("..", "..");
    private static final Path WORKFLOW = ROOT.resolve("ci/github/nightly.yml");

    @Test
    void workflowParsesAndHasTheNightlyJobs() throws Exception {
        JsonNode workflow = new ObjectMapper(new YAMLFactory()).readTree(WORKFLOW.toFile());
        assertThat(workflow.path("on").has("schedule")).as("scheduled").isTrue();
        JsonNode jobs = workflow.path("jobs");
        assertThat(jobs.path("mnist").path("strategy").path("matrix").path("shard").size()).isGreaterThan(1);
        assertThat(jobs.path("cifar10").path("runs-on").toString()).contains("gpu");
        assertThat(jobs.path("board").path("needs").toString()).contains("mnist");
        assertThat(commands(workflow)).anyMatch(c -> c.startsWith("./defense-bench merge"))
                .anyMatch(c -> c.contains("--fail-on-regression"))
                .anyMatch(c -> c.contains("--shard"));
        assertThat(workflow.toString()).contains("upload-pages-artifact").contains("actions/cache");
    }

    @Test
    void everyDefenseBenchCommandInTheWorkflowParses() throws Exception {
        JsonNode workflow = new ObjectMapper(new YAMLFactory()).readTree(WORKFLOW.toFile());
        List<String> commands = commands(workflow);
        assertThat(commands).hasSizeGreaterThanOrEqualTo(4);
        for (String command : commands) {
            String[] words = command.trim().split("\\s+");
            String[] args = Arrays.copyOfRange(words, 1, words.length);
            CommandLine cli = new CommandLine(new Main());
            // parseArgs checks the subcommand, every option and the arity without running anything
            CommandLine.ParseResult parsed = cli.parseArgs(args);
            assertThat(parsed.hasSubcommand()).as(command).isTrue();
            for (String word : args) {
                if (word.endsWith(".yaml")) {
                    Path experiment = ROOT.resolve(word);
                    assertThat(experiment).as(command).isRegularFile();
                    new ExperimentLoader(Plugins.discover(), DatasetRegistry.standard().names()).load(experiment);
                }
            }
        }
    }

    /** Every {@code ./defense-bench ...} line of every step, with expressions replaced by sample values. */
    private static List<String> commands(JsonNode workflow) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode job : workflow.path("jobs")) {
            for (JsonNode step : job.path("steps")) {
                for (String line : step.path("run").asText("").split("\n")) {
                    String l = line.trim();
                    if (l.startsWith("./defense-bench ")) {
                        out.add(substitute(l));
                    }
                }
            }
        }
        assertThat(Files.readString(WORKFLOW)).contains("./defense-bench");
        return out;
    }

    private static String substitute(String line) {
        // GitHub expressions (${{ matrix.shard }}, ${{ env.SHARDS }}) become a number; optional shell
        // expansions (${hist:+--history $hist}) are dropped, as they are when empty
        String s = line.replaceAll("\\$\\{\\{[^}]*}}", "1");
        Matcher m = Pattern.compile("\\$\\{[^}]*}").matcher(s);
        return m.replaceAll("");
    }
}
