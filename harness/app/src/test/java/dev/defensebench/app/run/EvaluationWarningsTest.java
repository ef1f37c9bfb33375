package dev.defensebench.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.defensebench.report.SanityCheck;
import dev.defensebench.report.SanityCheck.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Failed and warning sanity checks reach the console as warnings, from one place that every kind of entry calls. */
class EvaluationWarningsTest {

    @Test
    void failedAndWarningChecksArePrintedAndPassedOnesAreNot() {
        Evaluation evaluation = new Evaluation(List.of(), List.of(
                new SanityCheck("onnx/imported/s0", "attacks-ran-as-specified", Status.WARN, 1, 0,
                        "AutoAttack Linf: the model gives logits only, so only Square ran"),
                new SanityCheck("onnx/imported/s0", "blackbox-not-stronger", Status.FAIL, 0.03, 0.002, "masked"),
                new SanityCheck("onnx/imported/s0", "eps0-equals-clean", Status.PASS, 0, 0, "fine")));
        PrintStream old = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream err = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setErr(err);
            evaluation.warnAboutSanity("onnx/imported/s0");
        } finally {
            System.setErr(old);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).contains("onnx/imported/s0: sanity check attacks-ran-as-specified warn: AutoAttack Linf: the model"
                + " gives logits only, so only Square ran", "onnx/imported/s0: sanity check blackbox-not-stronger fail: masked")
                .doesNotContain("eps0-equals-clean");
    }
}
