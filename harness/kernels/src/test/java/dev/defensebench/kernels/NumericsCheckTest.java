package dev.defensebench.kernels;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

/**
 * The test JVMs run with the same oneDNN setting as the launcher, so float32 convolutions and matrix
 * products must agree with float64 ones; this fails on a machine where they do not and nothing restricts
 * oneDNN.
 */
class NumericsCheckTest {

    @Test
    void float32ConvolutionsAgreeWithFloat64() {
        assertThat(NumericsCheck.convolutionRelativeError(Device.cpu())).isLessThan(NumericsCheck.TOLERANCE);
        NumericsCheck.requireSoundKernels(Device.cpu());
    }

    @Test
    void float32MatrixProductsAgreeWithFloat64ButAreFloat32() {
        double error = NumericsCheck.linearRelativeError(Device.cpu());
        assertThat(error).isLessThan(NumericsCheck.TOLERANCE).isGreaterThan(0.0);
    }
}
