package dev.cria.model;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The small float32 operations of the forward pass (norms, activations, attention arithmetic). */
final class Ops {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    private Ops() {
    }

    /**
     * RMSNorm as Llama defines it: {@code out = x / sqrt(mean(x^2) + eps) * weight}. The sum of squares
     * is accumulated in double: the test models' activations have mean square near eps, where a
     * float sum would lose digits the reference keeps.
     */
    static void rmsNorm(float[] out, int outOff, float[] x, int xOff, float[] weight, int n, float eps) {
        double ss = 0;
        for (int j = 0; j < n; j++) {
            double v = x[xOff + j];
            ss += v * v;
        }
        float inv = (float) (1.0 / Math.sqrt(ss / n + eps));
        for (int j = 0; j < n; j++) out[outOff + j] = x[xOff + j] * inv * weight[j];
    }

    static void addInPlace(float[] a, float[] b, int n) {
        int j = 0;
        for (int u = S.loopBound(n); j < u; j += S.length()) {
            FloatVector.fromArray(S, a, j).add(FloatVector.fromArray(S, b, j)).intoArray(a, j);
        }
        for (; j < n; j++) a[j] += b[j];
    }

    /** SwiGLU in place: {@code gate[j] = silu(gate[j]) * up[j]}, silu(g) = g / (1 + e^-g). */
    static void swiGlu(float[] gate, float[] up, int n) {
        for (int j = 0; j < n; j++) {
            float g = gate[j];
            gate[j] = (float) (g / (1.0 + Math.exp(-g))) * up[j];
        }
    }

    static float dot(float[] a, int aOff, float[] b, int bOff, int n) {
        int j = 0;
        FloatVector acc = FloatVector.zero(S);
        for (int u = S.loopBound(n); j < u; j += S.length()) {
            acc = FloatVector.fromArray(S, a, aOff + j).fma(FloatVector.fromArray(S, b, bOff + j), acc);
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; j < n; j++) s += a[aOff + j] * b[bOff + j];
        return s;
    }

    static void scale(float[] a, int off, int n, float f) {
        int j = 0;
        for (int u = S.loopBound(n); j < u; j += S.length()) {
            FloatVector.fromArray(S, a, off + j).mul(f).intoArray(a, off + j);
        }
        for (; j < n; j++) a[off + j] *= f;
    }

    /** {@code y[yOff..] += f * x[xOff..]} over n values. */
    static void axpy(float[] y, int yOff, float[] x, int xOff, int n, float f) {
        int j = 0;
        for (int u = S.loopBound(n); j < u; j += S.length()) {
            FloatVector.fromArray(S, x, xOff + j).fma(FloatVector.broadcast(S, f), FloatVector.fromArray(S, y, yOff + j)).intoArray(y, yOff + j);
        }
        for (; j < n; j++) y[yOff + j] += f * x[xOff + j];
    }
}
