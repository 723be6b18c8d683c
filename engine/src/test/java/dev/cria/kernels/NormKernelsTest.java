package dev.cria.kernels;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class NormKernelsTest {
    /** x / sqrt(mean(x^2) + eps) * w in double; the kernel rounds 1/rms to float, then two float products: within 3 float ulps. */
    @Test
    void rmsNormDividesByTheRootMeanSquareAndMultipliesByTheWeight() {
        SplittableRandom rnd = new SplittableRandom(9);
        int n = 300;
        float[] x = new float[n + 4], w = new float[n];
        for (int j = 0; j < n + 4; j++) x[j] = (float) (2 * rnd.nextGaussian());
        for (int j = 0; j < n; j++) w[j] = (float) (1 + 0.1 * rnd.nextGaussian());
        float[] out = new float[n + 1];

        NormKernels.rmsNorm(out, 1, x, 4, w, n, 1e-5f);

        double ss = 0;
        for (int j = 0; j < n; j++) ss += (double) x[4 + j] * x[4 + j];
        double inv = 1 / Math.sqrt(ss / n + 1e-5f);
        for (int j = 0; j < n; j++) {
            double expected = x[4 + j] * inv * w[j];
            assertThat((double) out[1 + j]).as("out[%d]", j).isCloseTo(expected, within(3.0 * Math.ulp((float) expected)));
        }
        assertThat(out[0]).as("before the offset").isZero();
    }
}
