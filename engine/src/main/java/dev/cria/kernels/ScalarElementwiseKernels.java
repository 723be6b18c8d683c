package dev.cria.kernels;

/** Plain-loop twins of {@link ElementwiseKernels}' vector operations: the same IEEE operation per element, so the same bits. */
final class ScalarElementwiseKernels {
    private ScalarElementwiseKernels() {
    }

    static void addInPlace(float[] a, float[] b, int n) {
        for (int j = 0; j < n; j++) a[j] += b[j];
    }

    static void scale(float[] a, int off, int n, float f) {
        for (int j = 0; j < n; j++) a[off + j] *= f;
    }
}
