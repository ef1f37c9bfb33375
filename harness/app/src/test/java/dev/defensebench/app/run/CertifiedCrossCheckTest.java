package dev.defensebench.app.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.defensebench.report.SanityCheck;
import dev.defensebench.spi.AttackTraits;
import dev.defensebench.spi.Certification;
import dev.defensebench.spi.Norm;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cross-check fails on a planted violation and names it; smoothing's certificates take no part. */
class CertifiedCrossCheckTest {

    private static final long[] LABELS = {0, 1, 2, 1};
    private static final boolean[] CLEAN_CORRECT = {true, true, true, false};

    /** Points 0 and 1 certified up to 0.1, point 2 up to 0.05, point 3 wrong. */
    private static CertifiedOutcome ibp(boolean certifiesModel) {
        Certification c = new Certification(new int[] {0, 1, 2, 0}, new double[] {0.1, 0.1, 0.05, 0});
        return new CertifiedOutcome("ibp", "IBP", Norm.LINF, List.of(0.05, 0.1), certifiesModel, c, 1, "{}");
    }

    private static AttackOutcome pgd(boolean[] brokenAtPointOne) {
        boolean[][] success = {{false, false, false, true}, brokenAtPointOne};
        return new AttackOutcome("pgd", AttackTraits.fixedEpsilon("PGD", AttackTraits.Access.GRADIENT, "steps"),
                Norm.LINF, List.of(0.05, 0.1), success, null, 1, 0, 0);
    }

    @Test
    void aCertifiedPointThatAnAttackFoolsFailsTheCheckAndIsNamed() {
        // at ε 0.1 PGD breaks point 1, which IBP certified up to 0.1, and point 2, certified only up to 0.05
        AttackOutcome planted = pgd(new boolean[] {false, true, true, true});
        SanityCheck check = CertifiedCrossCheck.evaluate("m", List.of(ibp(true)), List.of(planted), LABELS, CLEAN_CORRECT);
        assertThat(check.status()).isEqualTo(SanityCheck.Status.FAIL);
        assertThat(check.value()).isEqualTo(1);
        assertThat(check.detail()).contains("point 1 certified by ibp at Linf ε 0.1", "fooled by pgd")
                .doesNotContain("point 2");
    }

    @Test
    void passesWhenNoCertifiedPointIsFooled() {
        AttackOutcome honest = pgd(new boolean[] {false, false, true, true});
        SanityCheck check = CertifiedCrossCheck.evaluate("m", List.of(ibp(true)), List.of(honest), LABELS, CLEAN_CORRECT);
        assertThat(check.status()).isEqualTo(SanityCheck.Status.PASS);
        // ε 0.05: points 0, 1, 2; ε 0.1: points 0, 1
        assertThat(check.detail()).contains("5 certified (point, ε, attack) pairs");
    }

    @Test
    void certificatesOfAnotherClassifierOrAnotherNormAreNotCompared() {
        AttackOutcome planted = pgd(new boolean[] {true, true, true, true});
        SanityCheck smoothing = CertifiedCrossCheck.evaluate("m", List.of(ibp(false)), List.of(planted), LABELS, CLEAN_CORRECT);
        assertThat(smoothing.status()).isEqualTo(SanityCheck.Status.SKIP);
        assertThat(smoothing.detail()).startsWith("no certificate of the model itself");
        AttackOutcome l2 = new AttackOutcome("deepfool", AttackTraits.minNorm("DeepFool", "max_iter", true), Norm.L2,
                List.of(0.1), new boolean[][] {{true, true, true, true}}, new float[] {0, 0, 0, 0}, 1, 0, 0);
        SanityCheck otherNorm = CertifiedCrossCheck.evaluate("m", List.of(ibp(true)), List.of(l2), LABELS, CLEAN_CORRECT);
        assertThat(otherNorm.status()).isEqualTo(SanityCheck.Status.SKIP);
        assertThat(otherNorm.detail()).contains("at an ε where an attack of the same norm ran");
    }

    @Test
    void anIbpThatCertifiesNothingIsSaidToLeaveTheCheckUnchecked() {
        // correct points, but no radius above 0: IBP verified none of them at any ε of its grid
        Certification nothing = new Certification(new int[] {0, 1, 2, 0}, new double[] {0, 0, 0, 0});
        CertifiedOutcome ibp = new CertifiedOutcome("ibp", "IBP", Norm.LINF, List.of(0.05, 0.1), true, nothing, 1, "{}");
        SanityCheck check = CertifiedCrossCheck.evaluate("m", List.of(ibp), List.of(pgd(new boolean[] {true, true, true, true})),
                LABELS, CLEAN_CORRECT);
        assertThat(check.status()).isEqualTo(SanityCheck.Status.SKIP);
        assertThat(check.detail()).isEqualTo("not checked: ibp (Linf ε 0.05, 0.1) certified none of the 4 points at any ε > 0 "
                + "of its grid, so no certified point could be checked against the attacks");
    }
}
