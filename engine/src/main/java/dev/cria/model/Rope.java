package dev.cria.model;

/**
 * Rotary position embedding with Llama 3 frequency scaling: pair j of a head rotates by
 * {@code pos * base^(-2j/d) / freqFactor[j]} (llama.cpp ggml_rope_ext with freq_factors = rope_freqs).
 * GGUF q/k rows are permuted so pairs are adjacent (x[2j], x[2j+1]); Hugging Face rows are in
 * rotate-half order (x[j], x[j + d/2]). Both give the same attention scores.
 */
final class Rope {
    private final int headDim;
    private final boolean rotateHalf;
    private final double[] invFreq;

    Rope(LlamaConfig c) {
        this.headDim = c.headDim();
        this.rotateHalf = c.ropeRotateHalf();
        int half = headDim / 2;
        this.invFreq = new double[half];
        for (int j = 0; j < half; j++) {
            double f = Math.pow(c.ropeFreqBase(), -(2.0 * j) / headDim);
            if (c.ropeFreqFactors() != null) f /= c.ropeFreqFactors()[j];
            invFreq[j] = f;
        }
    }

    /** Writes cos then sin of every pair's angle at {@code pos} to {@code out[off .. off + headDim)} (angles in double, as the reference). */
    void table(int pos, float[] out, int off) {
        int half = headDim / 2;
        for (int j = 0; j < half; j++) {
            double a = pos * invFreq[j];
            out[off + j] = (float) Math.cos(a);
            out[off + half + j] = (float) Math.sin(a);
        }
    }

    /** Rotates {@code heads} heads of {@code x} starting at {@code off} using a table made by {@link #table}. */
    void apply(float[] x, int off, int heads, float[] table, int tOff) {
        int half = headDim / 2;
        for (int h = 0; h < heads; h++) {
            int base = off + h * headDim;
            for (int j = 0; j < half; j++) {
                float c = table[tOff + j];
                float s = table[tOff + half + j];
                int i0 = rotateHalf ? base + j : base + 2 * j;
                int i1 = rotateHalf ? base + j + half : base + 2 * j + 1;
                float x0 = x[i0];
                float x1 = x[i1];
                x[i0] = x0 * c - x1 * s;
                x[i1] = x0 * s + x1 * c;
            }
        }
    }
}
