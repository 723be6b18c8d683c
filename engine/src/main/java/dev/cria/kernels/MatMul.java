package dev.cria.kernels;

import dev.cria.tensor.PaddedArrays;
import dev.cria.tensor.WeightMatrix;
import dev.cria.util.CpuCaches;

import java.lang.foreign.MemorySegment;

/**
 * {@code out[b][r] = dot(row r of w, x[b])} for a batch of activation vectors, over a weight in any
 * GGUF type, split by rows over a {@link ComputePool}: the exact float driver, and the model's one
 * entry ({@link #matmul(ComputePool, WeightMatrix, float[], Q8Activations, int, float[])}), which
 * sends a matrix with integer kernels and quantized activations to {@link Q8MatMul} instead.
 *
 * <p>One token ({@code batch == 1}) is a bandwidth-bound matvec: rows are taken two at a time by
 * {@link WeightKernel#dot2} (a fused decode+dot of both rows sharing the activation loads, with twice
 * the independent accumulator chains of one row), each row bit-identical to {@link WeightKernel#dot}.
 * Four or more tokens decode four rows at a time into a per-thread {@link SplitTile} and multiply
 * them with the tokens four at a time (16 dots in registers, 8 loads per 16 fused multiply-adds), in
 * tiles of tokens sized so that the tile's activations stay in the core's L2 cache; the decode cost
 * is paid once per row and tile, not per token. Two to six tokens on a {@link TokenGroupKernel}
 * (Q4_0, Q8_0, Q4_K, Q6_K; Q8_0 up to eleven: {@link TokenGroupKernel#maxTokens}) decode each weight
 * in registers for all of them; other types' two or three tokens use {@link FloatDot#dot4x2}. With
 * the 256-bit kernels (CPUs without AVX-512) every batch
 * decodes four rows to floats and uses {@link FloatDot256#dot4x2}.
 *
 * <p><b>Determinism.</b> Both paths sum each (row, token) in {@link FloatDot}'s order over the same
 * exactly decoded floats, and each (row, token) is computed by exactly one thread, so the result
 * for a token is bit-identical whatever the batch size, its position in the batch and the number
 * of threads. The engine relies on this: a request yields the same tokens alone as in a batch.
 */
public final class MatMul {
    /**
     * Activation bytes of one token tile: half of the core's L2, leaving room for the decoded rows
     * (1 MiB measured best on Sapphire Rapids' 2 MiB L2, 512 KiB on Zen 4's 1 MiB; docs/benchmarks.md).
     */
    private static final int TILE_BYTES = (int) Math.min(1 << 22, Math.max(1 << 18, CpuCaches.l2Bytes(2 << 20) / 2));
    /** Rows decoded together and multiplied with the tokens four (or two) at a time. */
    private static final int ROW_BLOCK = 4;

    // Separate job classes, not one with branches: C2 compiles each run() on its own, so the fused
    // single-token loop and the batched decode+multiply loop each get the whole inlining budget.
    // Merged in one method, they exceeded it once both paths were hot (as in a server mixing prompt
    // chunks and next tokens) and vectors were boxed: batched steps ran several times slower.
    private static final ThreadLocal<Job> SINGLE_JOBS = ThreadLocal.withInitial(SingleTokenJob::new);
    private static final ThreadLocal<Job> PAIRED_JOBS = ThreadLocal.withInitial(PairedRowsJob::new);
    private static final ThreadLocal<Job> RANGE_JOBS = ThreadLocal.withInitial(RowRangeJob::new);
    private static final ThreadLocal<Job> BATCH_JOBS = ThreadLocal.withInitial(BatchJob::new);
    private static final ThreadLocal<Job> GROUP_JOBS = ThreadLocal.withInitial(TokenGroupJob::new);
    private static final ThreadLocal<Scratch> BATCH_SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private MatMul() {
    }

    /** Which driver multiplies a matrix: {@link #route}. */
    enum Route {
        /** {@link Q8MatMul}: integer kernels over the quantized activations. */
        INTEGER,
        /** This class's float kernels over the exact activations. */
        FLOAT
    }

    /**
     * The model's one entry: {@code out[t * w.rows() + r] = Σ_j w[r][j] * in[t * w.cols() + j]} for
     * {@code t < n}. {@code inQ} holds the same tokens for quantizing ({@link Q8Activations#set set}
     * over {@code in}), or is null for exact activations; the driver follows {@link #route}.
     */
    public static void matmul(ComputePool pool, WeightMatrix w, float[] in, Q8Activations inQ, int n, float[] out) {
        if (route(w, inQ) == Route.FLOAT) {
            matmul(pool, w, in, 0, n, out, 0);
            return;
        }
        if (inQ.tokens() != n) throw new IllegalArgumentException(w.name() + ": " + n + " tokens, but the quantized activations hold " + inQ.tokens());
        Q8MatMul.matmul(pool, w, inQ, out, 0);
    }

    /**
     * The integer driver where there are quantized activations and the matrix has integer kernels
     * (an interleaved layout: the loader interleaves Q4_0, Q4_K and Q6_K for them where the shape
     * allows); else the float driver, exact: other types, and a matrix the loader left in its file
     * layout.
     */
    static Route route(WeightMatrix w, Q8Activations inQ) {
        return inQ != null && Q8MatMul.supports(w) ? Route.INTEGER : Route.FLOAT;
    }

    /** {@code out[b * w.rows() + r] = Σ_j w[r][j] * x[b * w.cols() + j]} for {@code b < batch}. */
    public static void matmul(ComputePool pool, WeightMatrix w, float[] x, int batch, float[] out) {
        matmul(pool, w, x, 0, batch, out, 0);
    }

    /** One token: {@code out[outOff + r] = Σ_j w[r][j] * x[xOff + j]}. */
    public static void matvec(ComputePool pool, WeightMatrix w, float[] x, int xOff, float[] out, int outOff) {
        matmul(pool, w, x, xOff, 1, out, outOff);
    }

    /**
     * The general form: token {@code b} reads {@code x[xOff + b * cols ..]} and writes
     * {@code out[outOff + b * rows ..]}.
     */
    public static void matmul(ComputePool pool, WeightMatrix w, float[] x, int xOff, int batch, float[] out, int outOff) {
        if (batch < 1) throw new IllegalArgumentException(w.name() + ": batch must be at least 1, got " + batch);
        long xNeed = xOff + (long) batch * w.cols();
        long outNeed = outOff + (long) batch * w.rows();
        if (xOff < 0 || xNeed > x.length) {
            throw new IllegalArgumentException(w.name() + ": activations need " + xNeed + " floats from offset " + xOff + ", array has " + x.length);
        }
        if (outOff < 0 || outNeed > out.length) {
            throw new IllegalArgumentException(w.name() + ": output needs " + outNeed + " floats from offset " + outOff + ", array has " + out.length);
        }
        WeightKernel kernel = Kernels.forMatrix(w);
        Job job = (tokenGroup(kernel, batch) ? GROUP_JOBS
                : batch > 1 ? BATCH_JOBS : kernel instanceof RowRangeKernel ? RANGE_JOBS : kernel.pairsRows() ? PAIRED_JOBS : SINGLE_JOBS).get();
        job.set(w, x, xOff, batch, out, outOff);
        try {
            pool.parallelFor(w.rows(), job);
        } finally {
            job.clear();
        }
    }

    /** Whether {@code batch} tokens go to the kernel's {@link TokenGroupKernel} (2 to its {@code maxTokens}). */
    static boolean tokenGroup(WeightKernel kernel, int batch) {
        return batch > 1 && kernel instanceof TokenGroupKernel g && batch <= g.maxTokens();
    }

    /**
     * Row {@code k} of the one-token visiting order of {@code [from, to)}: from, from + half,
     * from + 1, from + half + 1, ... (an odd last row at the end). Two streams far apart in memory
     * came out 15-25 % faster from DRAM than adjacent rows (see SingleTokenJob).
     */
    static int farApartRow(int from, int to, int k) {
        int half = (to - from) / 2;
        return k < 2 * half ? from + (k >> 1) + (k & 1) * half : to - 1;
    }

    /**
     * Pairs in the paired visiting order of {@code [from, to)}: rows k and k + half (the same two
     * streams as {@link #farApartRow}), an odd last row computed as a pair with itself (same bits,
     * stored twice).
     */
    static int rowPairs(int from, int to) {
        return (to - from + 1) / 2;
    }

    /** The first row of pair {@code k} of {@link #rowPairs}. */
    static int pairFirst(int from, int to, int k) {
        return k < (to - from) / 2 ? from + k : to - 1;
    }

    /** The second row of pair {@code k} of {@link #rowPairs}. */
    static int pairSecond(int from, int to, int k) {
        int half = (to - from) / 2;
        return k < half ? from + half + k : to - 1;
    }

    /** One call's arguments, reused per calling thread so a call allocates nothing. */
    private abstract static class Job implements RangeTask {
        WeightKernel kernel;
        MemorySegment data;
        long rowBytes;
        int rows, cols;
        float[] x, out;
        int xOff, batch, outOff;

        void set(WeightMatrix w, float[] x, int xOff, int batch, float[] out, int outOff) {
            this.kernel = Kernels.forMatrix(w);
            this.data = w.data();
            this.rowBytes = w.rowBytes();
            this.rows = w.rows();
            this.cols = w.cols();
            this.x = x;
            this.xOff = xOff;
            this.batch = batch;
            this.out = out;
            this.outOff = outOff;
        }

        void clear() {
            kernel = null;
            data = null;
            x = null;
            out = null;
        }

    }

    /*
     * One token: each row is one fused decode+dot. Kernels with a real two-row loop and the others
     * run in different job classes, so each class's dot call site sees one kernel type per model
     * (Q4_K_M mixes Q4_K, which pairs rows, and Q6_K, which does not): with both kernels inlined
     * into one run() C2 ran out of inlining budget and boxed the vectors (tg fell from ~8 to 1.5
     * tokens/s on synthetic 1B Q4_K_M).
     *
     * Row r pairs with row r + half (not r + 1): two streams far apart in memory came out 15-25%
     * faster from DRAM than adjacent rows for Q4_0, Q8_0, Q4_K and F16 (measured on Sapphire
     * Rapids; the hardware prefetcher follows them separately).
     */
    private static final class SingleTokenJob extends Job {
        @Override
        public void run(int from, int to) {
            // One dot call site: every inlined copy of a big kernel (Q6_K) counts against the budget.
            for (int k = 0; k < to - from; k++) {
                int r = farApartRow(from, to, k);
                out[outOff + r] = kernel.dot(data, r * rowBytes, x, xOff, cols);
            }
        }
    }

    /** One token with a kernel whose {@link WeightKernel#dot2} decodes two rows in one loop. */
    private static final class PairedRowsJob extends Job {
        @Override
        public void run(int from, int to) {
            for (int k = 0, pairs = rowPairs(from, to); k < pairs; k++) {
                int r0 = pairFirst(from, to, k), r1 = pairSecond(from, to, k);
                kernel.dot2(data, r0 * rowBytes, r1 * rowBytes, x, xOff, cols, out, outOff + r0, outOff + r1);
            }
        }
    }

    /** A few tokens with a kernel that decodes each weight once for all of them ({@link TokenGroupKernel}). */
    private static final class TokenGroupJob extends Job {
        @Override
        public void run(int from, int to) {
            ((TokenGroupKernel) kernel).dotRowsGroup(data, rowBytes, from, to, x, xOff, batch, cols, out, outOff, rows);
        }
    }

    /** One token with a kernel that takes a whole range of rows per call ({@link RowRangeKernel}). */
    private static final class RowRangeJob extends Job {
        @Override
        public void run(int from, int to) {
            ((RowRangeKernel) kernel).dotRows(data, rowBytes, from, to, x, xOff, cols, out, outOff);
        }
    }

    /**
     * Several tokens, rows of whole 32-value groups: each tile of tokens is stored once per thread
     * in a {@link SplitTile} (padded with zero tokens to a multiple of four); rows are decoded four at a
     * time straight into a split tile and multiplied with the tokens four at a time
     * ({@link SplitTile#accumulate4x4}), column chunk by column chunk so that the rows' chunk is
     * reused from L1 by every token quad. Padding tokens' results are dropped.
     */
    private static final class BatchJob extends Job {
        @Override
        public void run(int from, int to) {
            if (cols % FloatDot.GROUP != 0 || batch < 4 || WIDTH_256) {
                smallBatch(from, to);
                return;
            }
            Scratch s = BATCH_SCRATCH.get();
            float[] decodeScratch = s.rows(cols);
            int tile = Math.max(4, TILE_BYTES / (4 * cols)) & ~3;
            s.rows.ensure(ROW_BLOCK, cols);
            MemorySegment rowMem = s.rows.memory();
            int half = cols / 2;
            for (int b0 = 0; b0 < batch; b0 += tile) {
                int b1 = Math.min(batch, b0 + tile);
                int quads = (b1 - b0 + 3) / 4;
                s.tokens.ensure(4 * quads, cols);
                for (int t = 0; t < 4 * quads; t++) {
                    if (b0 + t < b1) s.tokens.put(t, x, xOff + (b0 + t) * cols);
                    else s.tokens.clear(t);
                }
                float[] acc = s.acc(quads * SplitTile.QUAD_ACC);
                int r = from;
                for (; r + ROW_BLOCK <= to; r += ROW_BLOCK) {
                    for (int k = 0; k < ROW_BLOCK; k++) {
                        kernel.dequantizeSplit(data, (r + k) * rowBytes, rowMem, s.rows.aOffset(k), s.rows.bOffset(k), cols, decodeScratch);
                    }
                    java.util.Arrays.fill(acc, PaddedArrays.PAD, PaddedArrays.PAD + quads * SplitTile.QUAD_ACC, 0f);
                    for (int c = 0; c < half; c += SplitTile.CHUNK) {
                        int end = Math.min(half, c + SplitTile.CHUNK);
                        for (int q = 0; q < quads; q++) SplitTile.accumulate4x4(s.rows, s.tokens, 4 * q, c, end, acc, PaddedArrays.PAD + q * SplitTile.QUAD_ACC);
                    }
                    for (int q = 0; q < quads; q++) {
                        int b = b0 + 4 * q;
                        SplitTile.reduce4x4(acc, PaddedArrays.PAD + q * SplitTile.QUAD_ACC, Math.min(4, b1 - b), s.sums, out, outOff + b * rows + r, rows);
                    }
                }
                for (; r < to; r++) {
                    kernel.dequantize(data, r * rowBytes, decodeScratch, 0, cols);
                    for (int b = b0; b < b1; b++) out[outOff + b * rows + r] = FloatDot.dot(decodeScratch, 0, x, xOff + b * cols, cols);
                }
            }
        }

        /**
         * Two or three tokens, rows with a tail past the last 32-value group (small F32/F16/BF16
         * shapes), or any batch with the 256-bit kernels: four rows decoded to floats and
         * {@link FloatDot#dot4x2} / {@link FloatDot#dot} (or their 256-bit twins in {@link FloatDot256}:
         * the same bits) over the tile's tokens two at a time.
         */
        private void smallBatch(int from, int to) {
            Scratch s = BATCH_SCRATCH.get();
            float[] rowsF = s.rows(ROW_BLOCK * cols);
            int tile = Math.max(2, TILE_BYTES / (4 * cols));
            for (int b0 = 0; b0 < batch; b0 += tile) {
                int b1 = Math.min(batch, b0 + tile);
                int r = from;
                for (; r + ROW_BLOCK <= to; r += ROW_BLOCK) {
                    for (int k = 0; k < ROW_BLOCK; k++) kernel.dequantize(data, (r + k) * rowBytes, rowsF, k * cols, cols);
                    int b = b0;
                    for (; b + 1 < b1; b += 2) {
                        if (WIDTH_256) FloatDot256.dot4x2(rowsF, 0, cols, x, xOff + b * cols, cols, cols, out, outOff + b * rows + r, rows, s.sums);
                        else FloatDot.dot4x2(rowsF, 0, cols, x, xOff + b * cols, cols, cols, out, outOff + b * rows + r, rows, s.sums);
                    }
                    if (b < b1) {
                        for (int k = 0; k < ROW_BLOCK; k++) {
                            out[outOff + b * rows + r + k] = dot(rowsF, k * cols, x, xOff + b * cols, cols);
                        }
                    }
                }
                for (; r < to; r++) {
                    kernel.dequantize(data, r * rowBytes, rowsF, 0, cols);
                    for (int b = b0; b < b1; b++) out[outOff + b * rows + r] = dot(rowsF, 0, x, xOff + b * cols, cols);
                }
            }
        }
    }

    /** The kernels are 256-bit ones ({@link Vector256Kernels}); a constant, so C2 folds every branch on it. */
    private static final boolean WIDTH_256 = Kernels.vectorBits() == 256;

    /** {@link FloatDot#dot} in the kernels' width (the same bits either way). */
    private static float dot(float[] w, int wOff, float[] x, int xOff, int n) {
        return WIDTH_256 ? FloatDot256.dot(w, wOff, x, xOff, n) : FloatDot.dot(w, wOff, x, xOff, n);
    }

    /** A worker thread's batched-path scratch, grown as needed and kept for the thread's life. */
    private static final class Scratch {
        final SplitTile rows = new SplitTile();
        final SplitTile tokens = new SplitTile();
        /** {@link FloatDot#dot4x2}'s 128 floats of sums or {@link FloatDot256#dot4x2}'s 256; the first 16 also serve {@link SplitTile#reduce4x4}. */
        final float[] sums = PaddedArrays.floats(Math.max(128, FloatDot256.SUMS));
        private float[] rowsF = new float[0];
        private float[] acc = PaddedArrays.floats(0);

        float[] rows(int n) {
            if (rowsF.length < n) rowsF = new float[n];
            return rowsF;
        }

        float[] acc(int n) {
            return acc = PaddedArrays.atLeast(acc, n);
        }
    }
}
