package dev.defensebench.app.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** YAML anchors and aliases are refused in one line naming the file, the line and the anchor or alias. */
class YamlAnchorsTest {

    private final ExperimentLoader loader = new ExperimentLoader(Plugins.discover(), Set.of("mnist"));

    /** A two-entry experiment: the first entry's name, the second's defense and params as given (lines 4, 9 and 11). */
    private static String experiment(String name1, String defense2, String params2) {
        return String.join("\n",
                "name: aliases",                            // 1
                "dataset: mnist",                           // 2
                "models:",                                  // 3
                "  - name: " + name1,                       // 4
                "    defense: vanilla",                     // 5
                "    architectures: [mlp]",                 // 6
                "    params: {epochs: 1}",                  // 7
                "  - name: second",                         // 8
                "    defense: " + defense2,                 // 9
                "    architectures: [mlp]",                 // 10
                "    params: " + params2,                   // 11
                "attacks:",                                 // 12
                "  - {attack: fgsm, norm: Linf, epsilons: [0.1]}",
                "");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "&nm aliasname|vanilla|{epochs: 1}|exp.yaml:4:11: the anchor &nm",
        "first|&dd vanilla|{epochs: 1}|exp.yaml:9:14: the anchor &dd",
        "first|vanilla|&p {epochs: 1}|exp.yaml:11:13: the anchor &p",
    })
    void anAnchorIsRefusedWithFileAndLine(String name1, String defense2, String params2, String start) {
        assertThatThrownBy(() -> loader.parse("exp.yaml", experiment(name1, defense2, params2)))
                .isInstanceOf(ExperimentException.class)
                .hasMessage(start + ": YAML anchors and aliases are not supported in experiment files; write the value "
                        + "out where it is used");
    }

    @Test
    void anAliasAloneIsRefusedToo() {
        // without its anchor the alias is still no entry named "dd" or a defense "dd"
        assertThatThrownBy(() -> loader.parse("exp.yaml", experiment("first", "*dd", "{epochs: 1}")))
                .isInstanceOf(ExperimentException.class)
                .hasMessageStartingWith("exp.yaml:9:14: the alias *dd: YAML anchors and aliases are not supported");
    }

    @Test
    void theReportedCasesOfTheProbeAreRefusedNotMisread() {
        String text = String.join("\n",
                "name: aliases",
                "dataset: mnist",
                "models:",
                "  - name: &nm aliasname",
                "    defense: &dd vanilla",
                "    architectures: [mlp]",
                "    params: &p {epochs: 1}",
                "  - name: *nm",
                "    defense: *dd",
                "    architectures: [mlp]",
                "    params: *p",
                "attacks:",
                "  - {attack: fgsm, norm: Linf, epsilons: [0.1]}",
                "");
        assertThatThrownBy(() -> loader.parse("exp.yaml", text)).isInstanceOf(ExperimentException.class)
                .hasMessageStartingWith("exp.yaml:4:11: the anchor &nm").satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void anAmpersandOrAsteriskInACommentOrAQuotedValueIsNoAnchor() {
        String text = "# a &comment and *another\n" + experiment("first", "vanilla", "{epochs: 1}")
                .replace("{attack: fgsm, norm: Linf, epsilons: [0.1]}", "{attack: fgsm, norm: Linf, epsilons: [0.1]} # &x *y");
        assertThat(loader.parse("exp.yaml", text).models()).hasSize(2);
        assertThatThrownBy(() -> loader.parse("exp.yaml", experiment("first", "\"&dd\"", "{epochs: 1}")))
                .hasMessageContaining("unknown defense '&dd'");
    }
}
