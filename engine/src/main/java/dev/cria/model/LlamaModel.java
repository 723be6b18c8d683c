package dev.cria.model;

import dev.cria.kernels.ComputePool;
import dev.cria.kernels.ElementwiseKernels;
import dev.cria.kernels.Kernels;
import dev.cria.kernels.MatMul;
import dev.cria.kernels.NormKernels;
import dev.cria.kernels.Q8Activations;
import dev.cria.kernels.Q8MatMul;
import dev.cria.kv.KvBlockPool;
import dev.cria.kv.KvSequence;
import dev.cria.kv.KvType;
import dev.cria.tensor.WeightMatrix;

/**
 * The Llama forward pass over a batch of tokens, each with its own position and sequence (so one
 * pass can mix prompt chunks and next tokens of many sequences). Every weight matmul runs once
 * per batch ({@link MatMul}: each weight block loaded serves all tokens); attention runs per token
 * over its own sequence's keys and values.
 *
 * <p>With {@link ActivationType#F32} (this class's default; the engine's is Q8) activations are float32 and weights are decoded exactly,
 * so logits match a float64 reference within float32 rounding (no activation quantization as in
 * ggml's vec_dot types). With {@link ActivationType#Q8}, each projection's input is quantized once
 * to int8 blocks and multiplied on integer kernels ({@link Q8MatMul}), like
 * llama.cpp, where the loader interleaved the matrix: Q4_0, Q4_K and Q6_K
 * ({@link dev.cria.kernels.Q4_0Interleaved}, {@link dev.cria.kernels.Q4_KInterleaved},
 * {@link dev.cria.kernels.Q6_KInterleaved}: the same results per token alone or batched). Other
 * matrices stay float32, where a token's results then depend on whether it ran alone or batched.
 * Not thread-safe: one engine loop owns a model instance and its scratch buffers.
 */
public final class LlamaModel {
    private final LlamaConfig c;
    private final LlamaWeights w;
    private final ComputePool pool;
    private final Rope rope;
    private final int maxBatch;
    private final ActivationType activations;
    // Q8 activations only: the quantized inputs of the matvecs (null with F32)
    private final Q8Activations xbQ, attQ, gateQ, normedQ;

    // Scratch, sized once for maxBatch tokens (no allocation per step).
    private final float[] x;      // residual stream [n][dim]
    private final float[] xb;     // normed input [n][dim]
    private final float[] q;      // [n][qDim]
    private final float[] k;      // [n][kvDim]
    private final float[] v;      // [n][kvDim]
    private final float[] att;    // attention output [n][qDim]
    private final float[] proj;   // projection back to dim [n][dim]
    private final float[] gate;   // [n][ff]
    private final float[] up;     // [n][ff]
    private final float[] ropeTables; // [n][headDim]: cos, sin per pair
    private final float[] normed;     // final-normed rows that want logits [n][dim]
    private final Attention attention;
    // The attention step's arguments, set per layer: one task object, no lambda allocated per step.
    private int attnLayer;
    private int[] attnPositions;
    private KvSequence[] attnKv;
    private final dev.cria.kernels.RangeTask attentionTask = (from, to) -> attention(attnLayer, from, to, attnPositions, attnKv);
    /**
     * SwiGLU over the pool: about 6 ns per value (a scalar exp), so 50 us for one token's 8192 on the
     * calling thread alone, long enough for the pool's workers to park before the down projection.
     * Each value is computed alone, so the split changes no bit.
     */
    private final dev.cria.kernels.RangeTask swiGluTask = this::swiGlu;

    public LlamaModel(LlamaConfig config, LlamaWeights weights, ComputePool pool, int maxBatch) {
        this(config, weights, pool, maxBatch, ActivationType.F32);
    }

    public LlamaModel(LlamaConfig config, LlamaWeights weights, ComputePool pool, int maxBatch, ActivationType activations) {
        this.activations = activations;
        if (activations != ActivationType.Q8 && (Q8MatMul.supports(weights.output()) || Q8MatMul.supports(weights.layers().get(0).wq())
                || Q8MatMul.supports(weights.layers().get(0).wGate()) || Q8MatMul.supports(weights.layers().get(0).wDown()))) {
            throw new IllegalArgumentException("the weights are interleaved for q8 activations (ModelLoader.loadWeights with Q8), not " + activations);
        }
        boolean q8 = activations == ActivationType.Q8;
        xbQ = q8 ? new Q8Activations() : null;
        attQ = q8 ? new Q8Activations() : null;
        gateQ = q8 ? new Q8Activations() : null;
        normedQ = q8 ? new Q8Activations() : null;
        this.c = config;
        this.w = weights;
        this.pool = pool;
        this.maxBatch = maxBatch;
        this.rope = new Rope(config);
        int dim = config.embeddingLength();
        x = new float[maxBatch * dim];
        xb = new float[maxBatch * dim];
        q = new float[maxBatch * config.qDim()];
        k = new float[maxBatch * config.kvDim()];
        v = new float[maxBatch * config.kvDim()];
        att = new float[maxBatch * config.qDim()];
        proj = new float[maxBatch * dim];
        gate = new float[maxBatch * config.feedForwardLength()];
        up = new float[maxBatch * config.feedForwardLength()];
        ropeTables = new float[maxBatch * config.headDim()];
        normed = new float[maxBatch * dim];
        attention = new Attention(config);
    }

    public LlamaConfig config() {
        return c;
    }

    public LlamaWeights weights() {
        return w;
    }

    public int maxBatch() {
        return maxBatch;
    }

    public ActivationType activations() {
        return activations;
    }

    /**
     * {@code out = w · in} for {@code n} tokens; {@code inQ} holds {@code in} (already
     * {@link Q8Activations#set set}) or is null: {@link MatMul} picks the integer or the float driver.
     */
    private void project(WeightMatrix w, float[] in, Q8Activations inQ, int n, float[] out) {
        MatMul.matmul(pool, w, in, inQ, n, out);
    }

    /** {@code q} pointed at {@code tokens} vectors of {@code len} values at the start of {@code in}, or null for F32. */
    private static Q8Activations bind(Q8Activations q, float[] in, int len, int tokens) {
        if (q != null) q.set(in, 0, len, tokens);
        return q;
    }

    /** A KV pool of {@code blocks} blocks of {@code blockSize} tokens shaped for this model. */
    public KvBlockPool newKvPool(int blockSize, int blocks, KvType type) {
        return new KvBlockPool(c.blockCount(), c.kvDim(), c.headDim(), blockSize, blocks, type);
    }

    /** A sequence with a float32 pool of its own holding up to {@code maxTokens} tokens (tests, benchmarks). */
    public KvSequence newSequence(int maxTokens) {
        return new KvSequence(newKvPool(16, (maxTokens + 15) / 16, KvType.F32));
    }

    /**
     * Runs {@code n} tokens. Token i is {@code tokens[i]} at {@code positions[i]} of sequence
     * {@code kv[i]}; a sequence's tokens must appear in increasing position order and its positions
     * before them must already be in its KV store (blocks are reserved here if the caller has not).
     * For each i with {@code wantLogits[i]}, in order, writes vocabSize logits into {@code logits}
     * (row after row). The caller records the filled positions ({@link KvSequence#filled}).
     *
     * @return the number of logit rows written
     */
    public int forward(int n, int[] tokens, int[] positions, KvSequence[] kv, boolean[] wantLogits, float[] logits) {
        if (n > maxBatch) throw new IllegalArgumentException("batch of " + n + " exceeds " + maxBatch);
        int dim = c.embeddingLength();
        int kvDim = c.kvDim();
        int hd = c.headDim();
        WeightMatrix emb = w.tokenEmbedding();
        var embKernel = Kernels.forMatrix(emb);
        for (int i = 0; i < n; i++) {
            if (tokens[i] < 0 || tokens[i] >= emb.rows()) {
                throw new IllegalArgumentException("token id " + tokens[i] + " outside the vocabulary (0.." + (emb.rows() - 1) + ")");
            }
            if (!kv[i].reserve(positions[i] + 1)) {
                throw new IllegalStateException("no KV block free for position " + positions[i] + " (the engine reserves before forward)");
            }
            embKernel.dequantize(emb.data(), emb.rowOffset(tokens[i]), x, i * dim, dim);
            rope.table(positions[i], ropeTables, i * hd);
        }

        for (int l = 0; l < c.blockCount(); l++) {
            LayerWeights lw = w.layers().get(l);
            for (int i = 0; i < n; i++) NormKernels.rmsNorm(xb, i * dim, x, i * dim, lw.attnNorm(), dim, c.rmsEpsilon());
            Q8Activations xbIn = bind(xbQ, xb, dim, n);
            project(lw.wq(), xb, xbIn, n, q);
            project(lw.wk(), xb, xbIn, n, k);
            project(lw.wv(), xb, xbIn, n, v);
            for (int i = 0; i < n; i++) {
                rope.apply(q, i * c.qDim(), c.headCount(), ropeTables, i * hd);
                rope.apply(k, i * kvDim, c.headCountKv(), ropeTables, i * hd);
                kv[i].store().write(l, kv[i].row(positions[i]), k, i * kvDim, v, i * kvDim);
            }
            attnLayer = l;
            attnPositions = positions;
            attnKv = kv;
            pool.parallelFor(n * c.headCountKv(), attentionTask);
            project(lw.wo(), att, bind(attQ, att, c.qDim(), n), n, proj);
            ElementwiseKernels.addInPlace(x, proj, n * dim);

            for (int i = 0; i < n; i++) NormKernels.rmsNorm(xb, i * dim, x, i * dim, lw.ffnNorm(), dim, c.rmsEpsilon());
            xbIn = bind(xbQ, xb, dim, n);
            project(lw.wGate(), xb, xbIn, n, gate);
            project(lw.wUp(), xb, xbIn, n, up);
            pool.parallelFor(n * c.feedForwardLength(), swiGluTask);
            project(lw.wDown(), gate, bind(gateQ, gate, c.feedForwardLength(), n), n, proj);
            ElementwiseKernels.addInPlace(x, proj, n * dim);
        }

        int rows = 0;
        attnPositions = null;
        attnKv = null;
        for (int i = 0; i < n; i++) {
            if (wantLogits != null && wantLogits[i]) {
                NormKernels.rmsNorm(normed, rows * dim, x, i * dim, w.outputNorm(), dim, c.rmsEpsilon());
                rows++;
            }
        }
        if (rows > 0) project(w.output(), normed, bind(normedQ, normed, dim, rows), rows, logits);
        return rows;
    }

    /** SwiGLU over the values {@code from..to} of {@link #gate} and {@link #up} ({@link #swiGluTask}). */
    private void swiGlu(int from, int to) {
        ElementwiseKernels.swiGlu(gate, up, from, to);
    }

    /** Attention for the (token, kv head) pairs {@code from..to} (index = i * kvHeads + g); see {@link Attention}. */
    private void attention(int layer, int from, int to, int[] positions, KvSequence[] kv) {
        int kvHeads = c.headCountKv();
        int group = c.headCount() / kvHeads;
        for (int idx = from; idx < to; idx++) {
            int i = idx / kvHeads;
            int g = idx % kvHeads;
            attention.run(layer, kv[i], g, positions[i], q, att, i * c.qDim() + g * group * c.headDim());
        }
    }
}
