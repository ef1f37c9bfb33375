package dev.defensebench.defenses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SimplexProjectionTest {

    @Test
    void projectsOntoTheProbabilitySimplexAtTheNearestPoint() {
        assertThat(SimplexProjection.project(new float[] {1, 1})).containsExactly(0.5f, 0.5f);
        assertThat(SimplexProjection.project(new float[] {2, 0})).containsExactly(1f, 0f);
        assertThat(SimplexProjection.project(new float[] {0.25f, 0.75f})).containsExactly(0.25f, 0.75f);
        float[] w = SimplexProjection.project(new float[] {0.3f, 0.2f});
        assertThat((double) w[0]).isCloseTo(0.55, within(1e-6));
        assertThat((double) w[1]).isCloseTo(0.45, within(1e-6));
        // three weights, one clipped to zero: (0.9, 0.6, -0.5) -> theta 0.25 -> (0.65, 0.35, 0)
        float[] three = SimplexProjection.project(new float[] {0.9f, 0.6f, -0.5f});
        assertThat((double) three[0]).isCloseTo(0.65, within(1e-6));
        assertThat((double) three[1]).isCloseTo(0.35, within(1e-6));
        assertThat(three[2]).isZero();
    }
}
