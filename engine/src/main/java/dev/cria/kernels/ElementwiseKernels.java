package dev.cria.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The element-by-element float32 operations of the forward pass: the residual add, scaling a
 * head's output (attention) and the SwiGLU activation. The vector ones have a scalar twin in
 * {@link ScalarElementwiseKernels} that gives the same bits (each element is one IEEE operation,
 * whatever the vector width).
 */
public final class ElementwiseKernels {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private ElementwiseKernels() {
    }

    /** {@code a[j] += b[j]} for {@code j < n}: the residual connection. */
    public static void addInPlace(float[] a, float[] b, int n) {
        int j = 0;
        for (int u = S.loopBound(n); j < u; j += S.length()) {
            FloatVector.fromArray(S, a, j).add(FloatVector.fromArray(S, b, j)).intoArray(a, j);
        }
        for (; j < n; j++) a[j] += b[j];
    }

    /** {@code a[off + j] *= f} for {@code j < n}. */
    public static void scale(float[] a, int off, int n, float f) {
        int j = 0;
        for (int u = S.loopBound(n); j < u; j += S.length()) {
            FloatVector.fromArray(S, a, off + j).mul(f).intoArray(a, off + j);
        }
        for (; j < n; j++) a[off + j] *= f;
    }

    /**
     * SwiGLU in place, as Llama's feed-forward (llama.cpp ggml_swiglu): {@code gate[j] = silu(gate[j]) * up[j]}
     * with silu(g) = g / (1 + e^-g). A scalar loop with the exp in double ({@link Math#exp}): it has
     * no vector twin because it has no vector version.
     */
    public static void swiGlu(float[] gate, float[] up, int n) {
        swiGlu(gate, up, 0, n);
    }

    /** {@link #swiGlu(float[], float[], int)} for the elements {@code [from, to)} only: a piece of a parallel loop. */
    public static void swiGlu(float[] gate, float[] up, int from, int to) {
        for (int j = from; j < to; j++) {
            float g = gate[j];
            gate[j] = (float) (g / (1.0 + Math.exp(-g))) * up[j];
        }
    }
}
