package dev.cria.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
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
     * with silu(g) = g / (1 + e^-g), computed as {@code q = g / (1 + e)} with {@code e = exp(-|g|)}
     * ({@link SoftmaxExp}: its argument is never positive) and {@code silu = g >= 0 ? q : q * e}, so no
     * exp overflows. Vector lanes and the scalar tail ({@link #swiGluScalar}) are the same IEEE
     * operations, so any split of the range gives the same bits; a scalar {@link Math#exp} per value
     * took about a twentieth of prompt processing.
     */
    public static void swiGlu(float[] gate, float[] up, int n) {
        swiGlu(gate, up, 0, n);
    }

    /** {@link #swiGlu(float[], float[], int)} for the elements {@code [from, to)} only: a piece of a parallel loop. */
    public static void swiGlu(float[] gate, float[] up, int from, int to) {
        VectorSpecies<Float> v = SoftmaxExp.SPECIES;
        int j = from;
        for (int u = from + v.loopBound(to - from); j < u; j += v.length()) {
            FloatVector g = FloatVector.fromArray(v, gate, j);
            FloatVector e = SoftmaxExp.vector(g.abs().neg());
            FloatVector q = g.div(e.add(1f));
            q.blend(q.mul(e), g.compare(VectorOperators.LT, 0f)).mul(FloatVector.fromArray(v, up, j)).intoArray(gate, j);
        }
        for (; j < to; j++) gate[j] = swiGluScalar(gate[j], up[j]);
    }

    /** One element of {@link #swiGlu}: the same operations as each vector lane. */
    static float swiGluScalar(float g, float u) {
        float e = SoftmaxExp.scalar(-Math.abs(g));
        float q = g / (e + 1f);
        return (g < 0f ? q * e : q) * u;
    }
}
