package dev.cria.loader;

import dev.cria.model.LayerWeights;
import dev.cria.model.LlamaConfig;
import dev.cria.model.LlamaWeights;
import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;
import dev.cria.util.HugePages;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Random-weight models with the exact Llama 3.2 shapes, for measuring speed without downloading
 * weights ({@code cria bench --synthetic 1b:Q4_0}). The numbers are meaningless; the bytes read
 * per token and the arithmetic are exactly those of the real model. Weights live off-heap.
 */
public final class SyntheticModel {
    /** Llama 3.2 1B / 3B and Llama 3.1 8B (config.json of the Instruct releases). */
    public enum Shape {
        L1B(2048, 16, 32, 8, 64, 8192, true),
        L3B(3072, 28, 24, 8, 128, 8192, true),
        L8B(4096, 32, 32, 8, 128, 14336, false);

        final int dim, layers, heads, kvHeads, headDim, ff;
        final boolean tied;

        Shape(int dim, int layers, int heads, int kvHeads, int headDim, int ff, boolean tied) {
            this.dim = dim;
            this.layers = layers;
            this.heads = heads;
            this.kvHeads = kvHeads;
            this.headDim = headDim;
            this.ff = ff;
            this.tied = tied;
        }
    }

    public record Synthetic(LlamaConfig config, LlamaWeights weights, Arena arena, String description) {
    }

    private SyntheticModel() {
    }

    /** Parses "1b:Q4_0", "3b:Q8_0", "1b:Q4_K_M" (llama-quantize's mix), "8b:F16". */
    public static Synthetic create(String spec) {
        String[] parts = spec.toUpperCase(Locale.ROOT).split(":");
        if (parts.length != 2) throw new IllegalArgumentException("synthetic model must look like 1b:Q4_0, got '" + spec + "'");
        Shape shape = switch (parts[0]) {
            case "1B" -> Shape.L1B;
            case "3B" -> Shape.L3B;
            case "8B" -> Shape.L8B;
            default -> throw new IllegalArgumentException("unknown synthetic size '" + parts[0] + "' (1b, 3b, 8b)");
        };
        boolean kMix = parts[1].equals("Q4_K_M") || parts[1].equals("Q5_K_M");
        GgmlType base;
        try {
            base = kMix ? GgmlType.valueOf(parts[1].substring(0, 4)) : GgmlType.valueOf(parts[1]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown weight type '" + parts[1] + "'");
        }
        return build(shape, base, kMix, spec);
    }

    private static Synthetic build(Shape s, GgmlType base, boolean kMix, String spec) {
        int vocab = 128256;
        float[] freqs = LlamaConfig.llama3FreqFactors(s.headDim, 500000, 32, 1, 4, 8192);
        LlamaConfig c = new LlamaConfig(s.dim, s.layers, s.heads, s.kvHeads, s.headDim, s.ff, vocab, 131072,
                1e-5f, 500000, freqs, false);
        Arena arena = Arena.ofShared();
        SplittableRandom rnd = new SplittableRandom(42);
        // llama-quantize's Q4_K_M: the tied embedding/output and "more bits" layers' attn_v/ffn_down in Q6_K.
        GgmlType embType = kMix ? GgmlType.Q6_K : base;
        WeightMatrix emb = matrix(arena, rnd, "token_embd.weight", embType, vocab, s.dim);
        List<LayerWeights> layers = new ArrayList<>();
        for (int l = 0; l < s.layers; l++) {
            boolean moreBits = l < s.layers / 8 || l >= 7 * s.layers / 8 || (l - s.layers / 8) % 3 == 2;
            GgmlType vd = kMix && moreBits ? GgmlType.Q6_K : base;
            layers.add(new LayerWeights(ones(s.dim),
                    matrix(arena, rnd, "attn_q", base, s.heads * s.headDim, s.dim),
                    matrix(arena, rnd, "attn_k", base, s.kvHeads * s.headDim, s.dim),
                    matrix(arena, rnd, "attn_v", vd, s.kvHeads * s.headDim, s.dim),
                    matrix(arena, rnd, "attn_output", base, s.dim, s.heads * s.headDim),
                    ones(s.dim),
                    matrix(arena, rnd, "ffn_gate", base, s.ff, s.dim),
                    matrix(arena, rnd, "ffn_up", base, s.ff, s.dim),
                    matrix(arena, rnd, "ffn_down", vd, s.dim, s.ff)));
        }
        WeightMatrix out = s.tied ? emb : matrix(arena, rnd, "output.weight", kMix ? GgmlType.Q6_K : base, vocab, s.dim);
        return new Synthetic(c, new LlamaWeights(emb, layers, ones(s.dim), out), arena,
                "synthetic " + s.name().substring(1) + " " + spec.substring(spec.indexOf(':') + 1).toUpperCase(Locale.ROOT));
    }

    /**
     * Writes a synthetic model as a GGUF file with the metadata of a llama.cpp conversion and the
     * tokenizer and chat template copied from {@code tokenizerSource} (a Llama 3 GGUF), so it loads
     * like a downloaded file (mmap, tokenizer, template): for load-time and memory measurements.
     */
    public static void writeGguf(String spec, dev.cria.io.gguf.GgufFile tokenizerSource, java.nio.file.Path out) throws java.io.IOException {
        Synthetic s = create(spec);
        try (Arena ignored = s.arena()) {
            LlamaConfig c = s.config();
            dev.cria.io.gguf.GgufWriter w = new dev.cria.io.gguf.GgufWriter()
                    .put("general.architecture", "llama")
                    .put("general.name", s.description())
                    .put("llama.block_count", (long) c.blockCount())
                    .put("llama.context_length", (long) c.contextLength())
                    .put("llama.embedding_length", (long) c.embeddingLength())
                    .put("llama.feed_forward_length", (long) c.feedForwardLength())
                    .put("llama.attention.head_count", (long) c.headCount())
                    .put("llama.attention.head_count_kv", (long) c.headCountKv())
                    .put("llama.rope.freq_base", c.ropeFreqBase())
                    .put("llama.attention.layer_norm_rms_epsilon", (double) c.rmsEpsilon())
                    .put("llama.attention.key_length", (long) c.headDim())
                    .put("llama.attention.value_length", (long) c.headDim())
                    .put("llama.rope.dimension_count", (long) c.headDim())
                    .put("llama.vocab_size", (long) c.vocabSize());
            for (var e : tokenizerSource.metadata().entrySet()) {
                if (e.getKey().startsWith("tokenizer.")) w.put(e.getKey(), e.getValue());
            }
            LlamaWeights wt = s.weights();
            put(w, "token_embd.weight", wt.tokenEmbedding());
            if (wt.output() != wt.tokenEmbedding()) put(w, "output.weight", wt.output());
            w.tensor("output_norm.weight", GgmlType.F32, new long[]{c.embeddingLength()}, floats(wt.outputNorm()));
            w.tensor("rope_freqs.weight", GgmlType.F32, new long[]{c.headDim() / 2}, floats(c.ropeFreqFactors()));
            for (int l = 0; l < c.blockCount(); l++) {
                LayerWeights lw = wt.layers().get(l);
                String p = "blk." + l + ".";
                w.tensor(p + "attn_norm.weight", GgmlType.F32, new long[]{c.embeddingLength()}, floats(lw.attnNorm()));
                w.tensor(p + "ffn_norm.weight", GgmlType.F32, new long[]{c.embeddingLength()}, floats(lw.ffnNorm()));
                put(w, p + "attn_q.weight", lw.wq());
                put(w, p + "attn_k.weight", lw.wk());
                put(w, p + "attn_v.weight", lw.wv());
                put(w, p + "attn_output.weight", lw.wo());
                put(w, p + "ffn_gate.weight", lw.wGate());
                put(w, p + "ffn_up.weight", lw.wUp());
                put(w, p + "ffn_down.weight", lw.wDown());
            }
            w.write(out);
        }
    }

    private static void put(dev.cria.io.gguf.GgufWriter w, String name, WeightMatrix m) {
        w.tensor(name, m.type(), new long[]{m.cols(), m.rows()}, m.data());
    }

    private static MemorySegment floats(float[] a) {
        MemorySegment seg = MemorySegment.ofArray(new byte[a.length * 4]);
        for (int i = 0; i < a.length; i++) seg.set(F32, 4L * i, a[i]);
        return seg;
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }

    /**
     * A matrix filled by repeating a 1 MiB pattern of valid random blocks (copying is much faster
     * than drawing 10^9 random numbers; DRAM traffic is the same).
     */
    private static WeightMatrix matrix(Arena arena, SplittableRandom rnd, String name, GgmlType type, int rows, int cols) {
        long bytes = type.bytesFor((long) rows * cols);
        MemorySegment seg = HugePages.allocate(arena, bytes); // as a model file's mapping is here (see HugePages)
        MemorySegment pattern = randomBlocks(type, (int) Math.min(bytes, 1 << 20), rnd);
        for (long off = 0; off < bytes; off += pattern.byteSize()) {
            long n = Math.min(pattern.byteSize(), bytes - off);
            MemorySegment.copy(pattern, 0, seg, off, n);
        }
        return new WeightMatrix(name, type, rows, cols, seg);
    }

    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Random bytes with every float field (scales, or the values of float types) set so that the
     * decoded weights have a root mean square of about 0.02, as in real Llama weights (and the float
     * types here). With one scale range for all types the K-quants came out 30-135x larger: the
     * activations overflowed within a few layers, and float arithmetic on the resulting values ran
     * an order of magnitude slower (pure Q6_K pp512 at 7.9 instead of 76 tokens/s), which is not
     * what a real model costs.
     */
    static MemorySegment randomBlocks(GgmlType type, int approxBytes, SplittableRandom rnd) {
        int blocks = Math.max(1, approxBytes / type.blockBytes);
        MemorySegment p = MemorySegment.ofArray(new byte[blocks * type.blockBytes]);
        for (long i = 0; i < p.byteSize(); i++) p.set(ValueLayout.JAVA_BYTE, i, (byte) rnd.nextInt(256));
        for (int b = 0; b < blocks; b++) {
            long o = (long) b * type.blockBytes;
            // divisors: the root mean square of (scale x quant) for uniform random bits, over ~2.5
            switch (type) {
                case F32 -> p.set(F32, o, (float) (rnd.nextGaussian() * 0.02));
                case F16 -> p.set(F16, o, Float.floatToFloat16((float) (rnd.nextGaussian() * 0.02)));
                case BF16 -> p.set(F16, o, (short) (Float.floatToIntBits((float) (rnd.nextGaussian() * 0.02)) >>> 16));
                case Q4_0, Q5_0 -> p.set(F16, o, scale(rnd, 1));
                case Q8_0 -> p.set(F16, o, scale(rnd, 8));           // q: int8
                case Q4_1, Q5_1 -> {
                    p.set(F16, o, scale(rnd, 1));
                    p.set(F16, o + 2, scale(rnd, 1));
                }
                case Q4_K, Q5_K -> {                                  // 6-bit scales and mins times 4/5-bit q
                    p.set(F16, o, scale(rnd, 32));
                    p.set(F16, o + 2, scale(rnd, 32));
                }
                case Q2_K -> {
                    p.set(F16, o + 80, scale(rnd, 1));
                    p.set(F16, o + 82, scale(rnd, 1));
                }
                case Q3_K -> p.set(F16, o + 108, scale(rnd, 4));
                case Q6_K -> p.set(F16, o + 208, scale(rnd, 128));    // int8 scales times 6-bit q
            }
        }
        return p;
    }

    private static short scale(SplittableRandom rnd, int divisor) {
        return Float.floatToFloat16((float) ((0.001 + rnd.nextDouble() * 0.002) / divisor));
    }
}
