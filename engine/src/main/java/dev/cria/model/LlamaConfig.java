package dev.cria.model;

/**
 * The shape of a Llama model. Fields are named after the GGUF keys they come from
 * ({@code llama.embedding_length}, ...); the Hugging Face loader maps config.json onto them.
 *
 * @param ropeFreqFactors per-frequency divisors of Llama 3 RoPE scaling (GGUF {@code rope_freqs.weight},
 *                        or computed from config.json {@code rope_scaling}); null = no scaling
 * @param ropeRotateHalf  true for Hugging Face q/k row order (RoPE rotates x[i] with x[i + d/2]);
 *                        false for GGUF's permuted rows (RoPE rotates adjacent pairs x[2i], x[2i+1])
 */
public record LlamaConfig(int embeddingLength, int blockCount, int headCount, int headCountKv, int headDim,
                          int feedForwardLength, int vocabSize, int contextLength, float rmsEpsilon,
                          double ropeFreqBase, float[] ropeFreqFactors, boolean ropeRotateHalf) {
    public LlamaConfig {
        if (headCount % headCountKv != 0) {
            throw new IllegalArgumentException("head_count " + headCount + " is not a multiple of head_count_kv " + headCountKv);
        }
        if (headDim % 2 != 0) throw new IllegalArgumentException("head dimension " + headDim + " is odd");
        if (ropeFreqFactors != null && ropeFreqFactors.length != headDim / 2) {
            throw new IllegalArgumentException("rope_freqs has " + ropeFreqFactors.length + " values, expected " + headDim / 2);
        }
    }

    /** Width of q (all heads). */
    public int qDim() {
        return headCount * headDim;
    }

    /** Width of k and v (all kv heads). */
    public int kvDim() {
        return headCountKv * headDim;
    }

    /**
     * Llama 3 RoPE frequency divisors from Hugging Face {@code rope_scaling} (rope_type "llama3"),
     * the same numbers llama.cpp's converter writes into {@code rope_freqs.weight}: high frequencies
     * (wavelength below original_max/high_freq_factor) unchanged, low ones divided by factor, a
     * smooth blend between.
     */
    public static float[] llama3FreqFactors(int headDim, double base, double factor, double lowFreqFactor,
                                            double highFreqFactor, double originalContext) {
        float[] out = new float[headDim / 2];
        double lowWavelen = originalContext / lowFreqFactor;
        double highWavelen = originalContext / highFreqFactor;
        for (int j = 0; j < out.length; j++) {
            double freq = 1.0 / Math.pow(base, (2.0 * j) / headDim);
            double wavelen = 2 * Math.PI / freq;
            double scaled;
            if (wavelen < highWavelen) {
                scaled = freq;
            } else if (wavelen > lowWavelen) {
                scaled = freq / factor;
            } else {
                double smooth = (originalContext / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                scaled = (1 - smooth) * freq / factor + smooth * freq;
            }
            out[j] = (float) (freq / scaled);
        }
        return out;
    }
}
