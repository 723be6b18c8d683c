package dev.cria.kernels;

/** RMSNorm, the normalisation before each attention and feed-forward block and before the output. */
public final class NormKernels {
    private NormKernels() {
    }

    /**
     * RMSNorm as Llama defines it (llama.cpp ggml_rms_norm, then a multiply by the norm weight):
     * {@code out = x / sqrt(mean(x^2) + eps) * weight}. The sum of squares is accumulated in double:
     * the test models' activations have mean square near eps, where a float sum would lose digits
     * the reference keeps. A scalar loop: n multiply-adds per token, next to n times that in each matmul.
     */
    public static void rmsNorm(float[] out, int outOff, float[] x, int xOff, float[] weight, int n, float eps) {
        double ss = 0;
        for (int j = 0; j < n; j++) {
            double v = x[xOff + j];
            ss += v * v;
        }
        float inv = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (int j = 0; j < n; j++) out[outOff + j] = x[xOff + j] * inv * weight[j];
    }
}
