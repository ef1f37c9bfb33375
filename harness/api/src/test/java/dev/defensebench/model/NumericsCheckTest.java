package dev.defensebench.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

/**
 * The test JVMs run with the same oneDNN setting as the launcher, so float32 convolutions must agree
 * with float64 ones; this fails on a machine where they do not and nothing restricts oneDNN.
 */
class NumericsCheckTest {

    @Test
    void float32ConvolutionsAgreeWithFloat64() {
        assertThat(NumericsCheck.convolutionRelativeError(Device.cpu())).isLessThan(NumericsCheck.TOLERANCE);
        NumericsCheck.requireSoundConvolutions(Device.cpu());
    }
}
