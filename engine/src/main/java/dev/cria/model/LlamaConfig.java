package dev.cria.model;

import java.util.Map;
import java.util.function.Function;

/**
 * The shape of a Llama model. Fields are named after the GGUF keys they come from
 * ({@code llama.embedding_length}, ...); the Hugging Face loader maps config.json onto them.
 *
 * <p>Every model, whatever its file format, is built through this constructor, so it is where the
 * hyperparameters are checked: a corrupt value (a NaN RoPE base, a zero block count) is an
 * {@link InvalidHyperparameterException} here rather than NaN logits or an index error later.
 * The bounds are far above any Llama (3.1 405B: 16384 wide, 126 blocks, 128 heads, 53248 FFN,
 * 131072 context) and only keep absurd values from sizing arrays.
 *
 * @param ropeFreqFactors per-frequency divisors of Llama 3 RoPE scaling (GGUF {@code rope_freqs.weight},
 *                        or computed from config.json {@code rope_scaling}); null = no scaling
 * @param ropeRotateHalf  true for Hugging Face q/k row order (RoPE rotates x[i] with x[i + d/2]);
 *                        false for GGUF's permuted rows (RoPE rotates adjacent pairs x[2i], x[2i+1])
 */
public record LlamaConfig(int embeddingLength, int blockCount, int headCount, int headCountKv, int headDim,
                          int feedForwardLength, int vocabSize, int contextLength, float rmsEpsilon,
                          double ropeFreqBase, float[] ropeFreqFactors, boolean ropeRotateHalf) {
    static final int MAX_EMBEDDING_LENGTH = 1 << 17;
    static final int MAX_BLOCK_COUNT = 1 << 12;
    static final int MAX_HEAD_COUNT = 1 << 12;
    static final int MAX_HEAD_DIM = 1 << 12;
    static final int MAX_FEED_FORWARD_LENGTH = 1 << 20;
    static final int MAX_VOCAB_SIZE = 1 << 24;
    static final int MAX_CONTEXT_LENGTH = 1 << 26;

    /** The GGUF key (or tensor) each component comes from: the names in {@link InvalidHyperparameterException#getMessage()}. */
    public static final Map<String, String> GGUF_KEYS = Map.ofEntries(
            Map.entry("embeddingLength", "llama.embedding_length"),
            Map.entry("blockCount", "llama.block_count"),
            Map.entry("headCount", "llama.attention.head_count"),
            Map.entry("headCountKv", "llama.attention.head_count_kv"),
            Map.entry("headDim", "llama.attention.key_length"),
            Map.entry("feedForwardLength", "llama.feed_forward_length"),
            Map.entry("vocabSize", "llama.vocab_size"),
            Map.entry("contextLength", "llama.context_length"),
            Map.entry("rmsEpsilon", "llama.attention.layer_norm_rms_epsilon"),
            Map.entry("ropeFreqBase", "llama.rope.freq_base"),
            Map.entry("ropeFreqFactors", "rope_freqs.weight"));

    public LlamaConfig {
        inRange("embeddingLength", embeddingLength, 1, MAX_EMBEDDING_LENGTH);
        inRange("blockCount", blockCount, 1, MAX_BLOCK_COUNT);
        inRange("headCount", headCount, 1, MAX_HEAD_COUNT);
        inRange("headCountKv", headCountKv, 1, MAX_HEAD_COUNT);
        if (headCount % headCountKv != 0) {
            int h = headCount, kv = headCountKv;
            throw new InvalidHyperparameterException("headCountKv",
                    key -> key.apply("headCount") + " " + h + " is not a multiple of " + key.apply("headCountKv") + " " + kv);
        }
        inRange("headDim", headDim, 2, MAX_HEAD_DIM);
        if (headDim % 2 != 0) {
            int d = headDim;
            throw new InvalidHyperparameterException("headDim", key -> key.apply("headDim") + " " + d + " is odd (RoPE rotates pairs)");
        }
        inRange("feedForwardLength", feedForwardLength, 1, MAX_FEED_FORWARD_LENGTH);
        inRange("vocabSize", vocabSize, 1, MAX_VOCAB_SIZE);
        inRange("contextLength", contextLength, 1, MAX_CONTEXT_LENGTH);
        // RMSNorm divides by sqrt(mean(x^2) + eps): eps must be a small positive number (Llama: 1e-5 or 1e-6).
        float eps = rmsEpsilon;
        if (!(eps > 0 && eps < 1)) {
            throw new InvalidHyperparameterException("rmsEpsilon", key -> key.apply("rmsEpsilon") + " is " + eps + ", expected a number in (0, 1)");
        }
        // RoPE's frequencies are base^(-2i/d): a base that is not a positive finite number makes them NaN or infinite.
        double base = ropeFreqBase;
        if (!(base > 0 && base < Double.POSITIVE_INFINITY)) {
            throw new InvalidHyperparameterException("ropeFreqBase", key -> key.apply("ropeFreqBase") + " is " + base + ", expected a finite number > 0");
        }
        if (ropeFreqFactors != null) {
            int expected = headDim / 2;
            int n = ropeFreqFactors.length;
            if (n != expected) {
                throw new InvalidHyperparameterException("ropeFreqFactors",
                        key -> key.apply("ropeFreqFactors") + " has " + n + " values, expected " + expected + " (" + key.apply("headDim") + " / 2)");
            }
            for (int i = 0; i < n; i++) {
                // Each factor divides a RoPE frequency (llama.cpp rope_yarn: theta / freq_factor).
                float f = ropeFreqFactors[i];
                int index = i;
                if (!(f > 0 && f < Float.POSITIVE_INFINITY)) {
                    throw new InvalidHyperparameterException("ropeFreqFactors",
                            key -> key.apply("ropeFreqFactors") + " value " + index + " is " + f + ", expected a finite number > 0");
                }
            }
        }
    }

    private static void inRange(String component, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidHyperparameterException(component,
                    key -> key.apply(component) + " is " + value + ", expected " + min + ".." + max);
        }
    }

    /**
     * A hyperparameter out of range. {@link #getMessage()} names it by its GGUF key; a loader whose
     * file names it otherwise (config.json) calls {@link #message} with its own names.
     */
    public static final class InvalidHyperparameterException extends IllegalArgumentException {
        private final String component;
        private final transient Function<Function<String, String>, String> message;

        InvalidHyperparameterException(String component, Function<Function<String, String>, String> message) {
            super(message.apply(GGUF_KEYS::get));
            this.component = component;
            this.message = message;
        }

        /** The record component at fault, e.g. "ropeFreqBase". */
        public String component() {
            return component;
        }

        /** The message with each component named by {@code keyName} (component → the file's key). */
        public String message(Function<String, String> keyName) {
            return message.apply(keyName);
        }
    }

    /** This config with other RoPE frequency factors (checked like the rest). */
    public LlamaConfig withRopeFreqFactors(float[] factors) {
        return new LlamaConfig(embeddingLength, blockCount, headCount, headCountKv, headDim, feedForwardLength, vocabSize,
                contextLength, rmsEpsilon, ropeFreqBase, factors, ropeRotateHalf);
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
