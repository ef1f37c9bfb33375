package dev.defensebench.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Names and messages do not depend on the JVM's default locale: under Turkish rules "LIST".toLowerCase()
 * is "lıst" (dotless i) and "linf".toUpperCase() is "LİNF", which once printed parameter types as
 * "double_lıst".
 */
class LocaleIndependenceTest {

    private Locale saved;

    @BeforeEach
    void turkish() {
        saved = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr-TR"));
    }

    @AfterEach
    void restore() {
        Locale.setDefault(saved);
    }

    @Test
    void normsAndParameterTypesReadAndPrintTheSameInATurkishLocale() {
        assertThat(Norm.parse("LINF")).isEqualTo(Norm.LINF);
        assertThat(Norm.parse("Linf").label()).isEqualTo("Linf");
        List<ParamSpec> specs = List.of(ParamSpec.ofDoubleList("milestones", List.of(0.5), "when"));
        assertThatThrownBy(() -> Hyperparameters.resolve("defense 'x'", specs, Map.of("milestones", "0.5,0.75")))
                .hasMessageContaining("expects double_list, found string '0.5,0.75'");
        assertThat(AttackTraits.fixedEpsilon("PGD", AttackTraits.Access.GRADIENT, "steps").flags())
                .isEqualTo("gradient iterative");
    }
}
