package dev.cria.kernels;

import dev.cria.tensor.WeightMatrix;

import java.lang.foreign.MemorySegment;

/**
 * {@code out[b][r] = dot(row r of w, x[b])} for a batch of activation vectors, over a weight in any
 * GGUF type, split by rows over a {@link ComputePool}.
 *
 * <p>One token ({@code batch == 1}) is a bandwidth-bound matvec: rows are taken two at a time by
 * {@link WeightKernel#dot2} (a fused decode+dot of both rows sharing the activation loads, with twice
 * the independent accumulator chains of one row), each row bit-identical to {@link WeightKernel#dot}.
 * Several tokens decode four rows at a time into a per-thread float scratch and multiply them
 * with the tokens two at a time ({@link FloatDot#dot4x2}: 8 dots share every load), in tiles of
 * tokens sized so that the tile's activations stay in the core's L2 cache; the decode cost is paid
 * once per row and tile, not per token.
 *
 * <p><b>Determinism.</b> Both paths sum each (row, token) in {@link FloatDot}'s order over the same
 * exactly decoded floats, and each (row, token) is computed by exactly one thread, so the result
 * for a token is bit-identical whatever the batch size, its position in the batch and the number
 * of threads. The engine relies on this: a request yields the same tokens alone as in a batch.
 */
public final class MatMul {
    /** Activation bytes of one token tile: half of a 2 MiB L2, leaving room for the decoded row. */
    private static final int TILE_BYTES = 1 << 20;
    /** Rows decoded together and multiplied with two tokens at a time ({@link FloatDot#dot4x2}). */
    private static final int ROW_BLOCK = 4;

    // Two job classes, not one with two branches: C2 compiles each run() on its own, so the fused
    // single-token loop and the batched decode+dot4x2 loop each get the whole inlining budget.
    // Merged in one method, they exceeded it once both paths were hot (as in a server mixing prompt
    // chunks and next tokens) and vectors were boxed: batched steps ran several times slower.
    private static final ThreadLocal<Job> SINGLE_JOBS = ThreadLocal.withInitial(SingleTokenJob::new);
    private static final ThreadLocal<Job> PAIRED_JOBS = ThreadLocal.withInitial(PairedRowsJob::new);
    private static final ThreadLocal<Job> BATCH_JOBS = ThreadLocal.withInitial(BatchJob::new);
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[][]{new float[0], new float[128]});

    private MatMul() {
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
        Job job = (batch > 1 ? BATCH_JOBS : Kernels.forType(w.type()).pairsRows() ? PAIRED_JOBS : SINGLE_JOBS).get();
        job.set(w, x, xOff, batch, out, outOff);
        try {
            pool.parallelFor(w.rows(), job);
        } finally {
            job.clear();
        }
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
            this.kernel = Kernels.forType(w.type());
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
            int half = (to - from) / 2;
            for (int i = from; i < to; i++) {
                int k = i - from;
                int r = k < 2 * half ? from + (k >> 1) + (k & 1) * half : to - 1;
                out[outOff + r] = kernel.dot(data, r * rowBytes, x, xOff, cols);
            }
        }
    }

    /** One token with a kernel whose {@link WeightKernel#dot2} decodes two rows in one loop. */
    private static final class PairedRowsJob extends Job {
        @Override
        public void run(int from, int to) {
            int half = (to - from) / 2;
            int pairs = half + ((to - from) & 1); // an odd last row is computed as a pair with itself: same bits as dot
            for (int k = 0; k < pairs; k++) {
                int r0 = k < half ? from + k : to - 1;
                int r1 = k < half ? from + half + k : to - 1;
                kernel.dot2(data, r0 * rowBytes, r1 * rowBytes, x, xOff, cols, out, outOff + r0, outOff + r1);
            }
        }
    }

    /** Several tokens: rows decoded once per tile of tokens, then {@link FloatDot#dot4x2}. */
    private static final class BatchJob extends Job {
        @Override
        public void run(int from, int to) {
            float[][] holder = SCRATCH.get();
            if (holder[0].length < ROW_BLOCK * cols) holder[0] = new float[ROW_BLOCK * cols];
            float[] rowsF = holder[0];
            int tile = Math.max(2, TILE_BYTES / (4 * cols));
            for (int b0 = 0; b0 < batch; b0 += tile) {
                int b1 = Math.min(batch, b0 + tile);
                int r = from;
                for (; r + ROW_BLOCK <= to; r += ROW_BLOCK) {
                    for (int k = 0; k < ROW_BLOCK; k++) kernel.dequantize(data, (r + k) * rowBytes, rowsF, k * cols, cols);
                    int b = b0;
                    for (; b + 1 < b1; b += 2) {
                        FloatDot.dot4x2(rowsF, 0, cols, x, xOff + b * cols, cols, cols, out, outOff + b * rows + r, rows, holder[1]);
                    }
                    if (b < b1) {
                        for (int k = 0; k < ROW_BLOCK; k++) {
                            out[outOff + b * rows + r + k] = FloatDot.dot(rowsF, k * cols, x, xOff + b * cols, cols);
                        }
                    }
                }
                for (; r < to; r++) {
                    kernel.dequantize(data, r * rowBytes, rowsF, 0, cols);
                    for (int b = b0; b < b1; b++) out[outOff + b * rows + r] = FloatDot.dot(rowsF, 0, x, xOff + b * cols, cols);
                }
            }
        }
    }
}
