package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;

import java.lang.foreign.MemorySegment;

/**
 * The single-token matvec over quantized activations ({@link Q8Activations}, ggml's behaviour):
 * {@code out[outOff + r] ≈ Σ_j w[r][j] * x[j]} with x rounded to int8 blocks. Faster than the exact
 * float path ({@link MatMul}) because the integer kernels ({@link IntDotKernels}) need fewer vector
 * ops per weight; less exact (about 1% relative error per dot, as llama.cpp). Weight types without
 * an integer kernel run the exact float matvec over the unquantized input.
 *
 * <p>One job class per weight type, each calling its kernel from one site: a model mixes types
 * (Q4_K_M: Q4_K and Q6_K) and two large kernels inlined into one method would exceed C2's inlining
 * budget and box the vectors (see {@link MatMul}). Rows are visited as in MatMul's single-token job:
 * row r next to row r + half, two memory streams far apart.
 */
public final class Q8MatVec {
    private static final ThreadLocal<Job> Q4_K_JOBS = ThreadLocal.withInitial(Q4_KJob::new);
    private static final ThreadLocal<Job> Q6_K_JOBS = ThreadLocal.withInitial(Q6_KJob::new);
    private static final ThreadLocal<Job> Q4_0_JOBS = ThreadLocal.withInitial(RepackedQ4_0Job::new);
    private static final ThreadLocal<Job> INTERLEAVED_JOBS = ThreadLocal.withInitial(InterleavedQ4_0Job::new);
    private static final ThreadLocal<Job> INTERLEAVED_BATCH_JOBS = ThreadLocal.withInitial(InterleavedQ4_0BatchJob::new);
    private static final ThreadLocal<Job> INTERLEAVED_Q4_K_JOBS = ThreadLocal.withInitial(InterleavedQ4_KJob::new);
    private static final ThreadLocal<Job> INTERLEAVED_Q4_K_BATCH_JOBS = ThreadLocal.withInitial(InterleavedQ4_KBatchJob::new);
    /**
     * Scratch of the {@link Q4_KInterleavedDot} kernels, per thread: the pool's threads all run the
     * calling thread's job object.
     */
    private static final ThreadLocal<int[]> Q4_K_SUMS = ThreadLocal.withInitial(() -> new int[Q4_KInterleavedDot.SCRATCH]);
    private static final ThreadLocal<Job> Q6_K_INTERLEAVED_JOBS = ThreadLocal.withInitial(InterleavedQ6_KJob::new);
    private static final ThreadLocal<Job> Q6_K_INTERLEAVED_BATCH_JOBS = ThreadLocal.withInitial(InterleavedQ6_KBatchJob::new);

    private Q8MatVec() {
    }

    /**
     * {@code out[outOff + t * rows + r] = Σ_j w[r][j] * x_t[j]} for every token t of {@code x}: a
     * matrix in the {@link Q4_0Interleaved}, {@link Q4_KInterleaved} or {@link Q6_KInterleaved} layout
     * (whole groups of rows: four tokens at a time, each weight vector widened once for the four),
     * else {@link #matvec} for a single token.
     */
    public static void matmul(ComputePool pool, WeightMatrix w, Q8Activations x, float[] out, int outOff) {
        if (w.layout() == WeightMatrix.Layout.Q4_K_INTERLEAVED && x.tokens() > 1) {
            checkBatch(w, x, out, outOff);
            x.prepareRows();
            run(pool, w, x, out, outOff, INTERLEAVED_Q4_K_BATCH_JOBS.get(), w.rows() / Q4_KInterleaved.ROWS);
            return;
        }
        if (w.layout() == WeightMatrix.Layout.Q6_K_INTERLEAVED && x.tokens() > 1) {
            checkBatch(w, x, out, outOff);
            x.prepare();
            run(pool, w, x, out, outOff, Q6_K_INTERLEAVED_BATCH_JOBS.get(), w.rows() / Q6_KInterleaved.ROWS);
            return;
        }
        if (w.layout() != WeightMatrix.Layout.Q4_0_INTERLEAVED || x.tokens() == 1) {
            if (x.tokens() != 1) throw new IllegalArgumentException(w.name() + ": " + x.tokens() + " tokens need an interleaved Q4_0 or Q6_K layout");
            matvec(pool, w, x, out, outOff);
            return;
        }
        if (x.length() != w.cols()) {
            throw new IllegalArgumentException(w.name() + ": " + w.cols() + " columns, but the activations hold " + x.length() + " values");
        }
        if (outOff < 0 || outOff + (long) w.rows() * x.tokens() > out.length) {
            throw new IllegalArgumentException(w.name() + ": output needs " + (long) w.rows() * x.tokens() + " floats from offset " + outOff + ", array has " + out.length);
        }
        x.prepareRows();
        run(pool, w, x, out, outOff, INTERLEAVED_BATCH_JOBS.get(), w.rows() / Q4_0Interleaved.ROWS);
    }

    private static void checkBatch(WeightMatrix w, Q8Activations x, float[] out, int outOff) {
        if (x.length() != w.cols()) {
            throw new IllegalArgumentException(w.name() + ": " + w.cols() + " columns, but the activations hold " + x.length() + " values");
        }
        if (outOff < 0 || outOff + (long) w.rows() * x.tokens() > out.length) {
            throw new IllegalArgumentException(w.name() + ": output needs " + (long) w.rows() * x.tokens() + " floats from offset " + outOff + ", array has " + out.length);
        }
    }

    /** {@code out[outOff + r] = Σ_j w[r][j] * x[j]}, x quantized to {@code w}'s activation layout (once per input). */
    public static void matvec(ComputePool pool, WeightMatrix w, Q8Activations x, float[] out, int outOff) {
        if (x.length() != w.cols()) {
            throw new IllegalArgumentException(w.name() + ": " + w.cols() + " columns, but the activations hold " + x.length() + " values");
        }
        if (w.layout() == WeightMatrix.Layout.Q6_K_INTERLEAVED) {
            if (outOff < 0 || outOff + w.rows() > out.length) {
                throw new IllegalArgumentException(w.name() + ": output needs " + w.rows() + " floats from offset " + outOff + ", array has " + out.length);
            }
            x.prepare();
            run(pool, w, x, out, outOff, Q6_K_INTERLEAVED_JOBS.get(), w.rows() / Q6_KInterleaved.ROWS);
            return;
        }
        if (w.layout() == WeightMatrix.Layout.Q4_0_INTERLEAVED) {
            if (outOff < 0 || outOff + w.rows() > out.length) {
                throw new IllegalArgumentException(w.name() + ": output needs " + w.rows() + " floats from offset " + outOff + ", array has " + out.length);
            }
            x.prepareRows();
            run(pool, w, x, out, outOff, INTERLEAVED_JOBS.get(), w.rows() / Q4_0Interleaved.ROWS);
            return;
        }
        if (w.layout() == WeightMatrix.Layout.Q4_K_INTERLEAVED) {
            if (outOff < 0 || outOff + w.rows() > out.length) {
                throw new IllegalArgumentException(w.name() + ": output needs " + w.rows() + " floats from offset " + outOff + ", array has " + out.length);
            }
            x.prepareRows();
            run(pool, w, x, out, outOff, INTERLEAVED_Q4_K_JOBS.get(), w.rows() / Q4_KInterleaved.ROWS);
            return;
        }
        ThreadLocal<Job> jobs = !supports(w) ? null : switch (w.type()) {
            case Q4_K -> Q4_K_JOBS;
            case Q6_K -> Q6_K_JOBS;
            case Q4_0 -> Q4_0_JOBS;
            default -> null;
        };
        if (jobs == null) {
            MatMul.matvec(pool, w, x.source(), x.sourceOffset(), out, outOff);
            return;
        }
        if (outOff < 0 || outOff + w.rows() > out.length) {
            throw new IllegalArgumentException(w.name() + ": output needs " + w.rows() + " floats from offset " + outOff + ", array has " + out.length);
        }
        if (w.type() == GgmlType.Q4_0) x.prepareQ8_0();
        else x.prepare();
        run(pool, w, x, out, outOff, jobs.get(), w.rows());
    }

    /** Runs {@code job} over {@code units} (rows, or groups of rows) on the pool. */
    private static void run(ComputePool pool, WeightMatrix w, Q8Activations x, float[] out, int outOff, Job job, int units) {
        job.data = w.data();
        job.rows = w.rows();
        job.rowBytes = w.rowBytes();
        job.cols = w.cols();
        job.x = x;
        job.out = out;
        job.outOff = outOff;
        try {
            pool.parallelFor(units, job);
        } finally {
            job.data = null;
            job.x = null;
            job.out = null;
        }
    }

    /**
     * Whether the integer kernels of the interleaved layouts run on this CPU: in 512-bit vectors
     * (AVX-512) or 256-bit ones (AVX2, {@link Q4_0InterleavedDot256} and the others), whichever
     * {@link Kernels#vectorBits} says (the {@code *InterleavedDotForCpu} forwarders choose); at 256
     * bits too they measured faster than the float kernels ({@link Q4_0InterleavedDot256}). The
     * loader interleaves the matrices where this holds.
     */
    public static boolean available() {
        return Kernels.vectorBits() == 512 || Kernels.vectorBits() == 256;
    }

    /**
     * Whether {@code w} runs on integer kernels here (else the float matvec, {@link #matvec} falls
     * back to it): the interleaved layouts; with 512-bit kernels also the K-quants Q4_K and Q6_K in
     * the file layout, and Q4_0 repacked at load ({@link Q4_0Repacked}) with a row length that is
     * whole pairs of blocks (64 values); see {@link IntDotKernels}.
     */
    public static boolean supports(WeightMatrix w) {
        if (!available()) return false;
        // the integer kernels of the file layout and of repacked Q4_0 (IntDotKernels) are 512-bit only
        boolean wide = Kernels.vectorBits() == 512, fileLayout = wide && w.layout() == WeightMatrix.Layout.GGML_BLOCKS;
        return switch (w.type()) {
            case Q4_K -> fileLayout || w.layout() == WeightMatrix.Layout.Q4_K_INTERLEAVED;
            case Q6_K -> fileLayout || w.layout() == WeightMatrix.Layout.Q6_K_INTERLEAVED;
            case Q4_0 -> w.layout() == WeightMatrix.Layout.Q4_0_INTERLEAVED
                    || wide && w.layout() == WeightMatrix.Layout.Q4_0_REPACKED && w.cols() % Q8Activations.PAIR == 0;
            default -> false;
        };
    }

    private abstract static class Job implements RangeTask {
        MemorySegment data;
        long rowBytes;
        int rows, cols, outOff;
        Q8Activations x;
        float[] out;
    }

    private static final class Q4_KJob extends Job {
        @Override
        public void run(int from, int to) {
            for (int k = 0; k < to - from; k++) {
                int r = MatMul.farApartRow(from, to, k);
                out[outOff + r] = IntDotKernels.dotQ4_K(data, r * rowBytes, x, cols);
            }
        }
    }

    /** Rows in pairs (r and r + half of the range, {@link MatMul#rowPairs}) sharing the activation loads. */
    private static final class RepackedQ4_0Job extends Job {
        /** Per thread: the pool's threads all run the calling thread's job object. */
        private static final ThreadLocal<float[]> SUMS = ThreadLocal.withInitial(() -> new float[32]);

        @Override
        public void run(int from, int to) {
            float[] sums = SUMS.get();
            for (int k = 0, pairs = MatMul.rowPairs(from, to); k < pairs; k++) {
                int r0 = MatMul.pairFirst(from, to, k), r1 = MatMul.pairSecond(from, to, k);
                IntDotKernels.dotQ4_0Repacked2(data, r0 * rowBytes, r1 * rowBytes, x, cols, sums);
                out[outOff + r0] = FloatDot.reduce(sums, 0);
                out[outOff + r1] = FloatDot.reduce(sums, 16);
            }
        }
    }

    /**
     * One token over {@link Q4_0Interleaved} groups of rows (the range counts groups): groups g and
     * g + half of the range together ({@link Q4_0InterleavedDot#groups2}: two memory streams far
     * apart, as the row pairs above), an odd last group alone.
     */
    private static final class InterleavedQ4_0Job extends Job {
        @Override
        public void run(int from, int to) {
            int nb = cols / 32;
            for (int k = 0, pairs = MatMul.rowPairs(from, to); k < pairs; k++) {
                int g0 = MatMul.pairFirst(from, to, k), g1 = MatMul.pairSecond(from, to, k);
                if (g0 == g1) {
                    Q4_0InterleavedDotForCpu.group(data, Q4_0Interleaved.groupOffset(g0, nb), x.qR, 0, x.dR, x.biasR, 0, nb,
                            out, outOff + Q4_0Interleaved.ROWS * g0);
                } else {
                    Q4_0InterleavedDotForCpu.groups2(data, Q4_0Interleaved.groupOffset(g0, nb), Q4_0Interleaved.groupOffset(g1, nb),
                            x.qR, 0, x.dR, x.biasR, 0, nb, out, outOff + Q4_0Interleaved.ROWS * g0, outOff + Q4_0Interleaved.ROWS * g1);
                }
            }
        }
    }

    /**
     * Several tokens over {@link Q4_0Interleaved} groups of rows (the range counts groups): per
     * group, the tokens four at a time ({@link Q4_0InterleavedDot#group4}), the last one to three
     * one at a time ({@link Q4_0InterleavedDot#group}: the same results per token).
     */
    private static final class InterleavedQ4_0BatchJob extends Job {
        @Override
        public void run(int from, int to) {
            int nb = cols / 32, tokens = x.tokens();
            for (int g = from; g < to; g++) {
                long o = Q4_0Interleaved.groupOffset(g, nb);
                int t = 0;
                for (; t + 4 <= tokens; t += 4) {
                    Q4_0InterleavedDotForCpu.group4(data, o, x.qR, t * cols, cols, x.dR, x.biasR, t * nb, nb,
                            out, outOff + t * rows + Q4_0Interleaved.ROWS * g, rows);
                }
                for (; t < tokens; t++) {
                    Q4_0InterleavedDotForCpu.group(data, o, x.qR, t * cols, x.dR, x.biasR, t * nb, nb, out, outOff + t * rows + Q4_0Interleaved.ROWS * g);
                }
            }
        }
    }

    /**
     * One token over {@link Q4_KInterleaved} groups of rows (the range counts groups): groups g and
     * g + half of the range together ({@link Q4_KInterleavedDot#groups2}), an odd last group alone.
     */
    private static final class InterleavedQ4_KJob extends Job {
        @Override
        public void run(int from, int to) {
            int nb = cols / Q4_KInterleaved.QK;
            int[] sums = Q4_K_SUMS.get();
            for (int k = 0, pairs = MatMul.rowPairs(from, to); k < pairs; k++) {
                int g0 = MatMul.pairFirst(from, to, k), g1 = MatMul.pairSecond(from, to, k);
                if (g0 == g1) {
                    Q4_KInterleavedDotForCpu.group(data, Q4_KInterleaved.groupOffset(g0, nb), x.qR, 0, x.dR, x.biasR, 0, nb,
                            out, outOff + Q4_KInterleaved.ROWS * g0, sums);
                } else {
                    Q4_KInterleavedDotForCpu.groups2(data, Q4_KInterleaved.groupOffset(g0, nb), Q4_KInterleaved.groupOffset(g1, nb),
                            x.qR, 0, x.dR, x.biasR, 0, nb, out, outOff + Q4_KInterleaved.ROWS * g0, outOff + Q4_KInterleaved.ROWS * g1, sums);
                }
            }
        }
    }

    /**
     * One token over {@link Q6_KInterleaved} groups of rows (the range counts groups): groups g and
     * g + half of the range together ({@link Q6_KInterleavedDot#groups2}), an odd last group alone.
     */
    private static final class InterleavedQ6_KJob extends Job {
        @Override
        public void run(int from, int to) {
            int nb = cols / 256;
            for (int k = 0, pairs = MatMul.rowPairs(from, to); k < pairs; k++) {
                int g0 = MatMul.pairFirst(from, to, k), g1 = MatMul.pairSecond(from, to, k);
                if (g0 == g1) {
                    Q6_KInterleavedDotForCpu.group(data, Q6_KInterleaved.groupOffset(g0, nb), x.pairK, x.sum8K, 0, x.dK, 0, nb,
                            out, outOff + Q6_KInterleaved.ROWS * g0);
                } else {
                    Q6_KInterleavedDotForCpu.groups2(data, Q6_KInterleaved.groupOffset(g0, nb), Q6_KInterleaved.groupOffset(g1, nb),
                            x.pairK, x.sum8K, 0, x.dK, 0, nb, out, outOff + Q6_KInterleaved.ROWS * g0, outOff + Q6_KInterleaved.ROWS * g1);
                }
            }
        }
    }

    /**
     * Several tokens over {@link Q4_KInterleaved} groups of rows (the range counts groups): per
     * group, the tokens four at a time ({@link Q4_KInterleavedDot#group4}), the last one to three
     * one at a time ({@link Q4_KInterleavedDot#group}: the same results per token).
     */
    private static final class InterleavedQ4_KBatchJob extends Job {
        @Override
        public void run(int from, int to) {
            int nb = cols / Q4_KInterleaved.QK, nx = cols / Q4_KInterleavedDot.QB, tokens = x.tokens();
            int[] sums = Q4_K_SUMS.get();
            for (int g = from; g < to; g++) {
                long o = Q4_KInterleaved.groupOffset(g, nb);
                int t = 0;
                for (; t + 4 <= tokens; t += 4) {
                    Q4_KInterleavedDotForCpu.group4(data, o, x.qR, t * cols, cols, x.dR, x.biasR, t * nx, nb,
                            out, outOff + t * rows + Q4_KInterleaved.ROWS * g, rows, sums);
                }
                for (; t < tokens; t++) {
                    Q4_KInterleavedDotForCpu.group(data, o, x.qR, t * cols, x.dR, x.biasR, t * nx, nb, out, outOff + t * rows + Q4_KInterleaved.ROWS * g, sums);
                }
            }
        }
    }

    /**
     * Several tokens over {@link Q6_KInterleaved} groups of rows (the range counts groups): per
     * group, the tokens four at a time ({@link Q6_KInterleavedDot#group4}), the last one to three
     * one at a time ({@link Q6_KInterleavedDot#group}: the same results per token).
     */
    private static final class InterleavedQ6_KBatchJob extends Job {
        @Override
        public void run(int from, int to) {
            int nb = cols / 256, tokens = x.tokens();
            for (int g = from; g < to; g++) {
                long o = Q6_KInterleaved.groupOffset(g, nb);
                int t = 0;
                for (; t + 4 <= tokens; t += 4) {
                    Q6_KInterleavedDotForCpu.group4(data, o, x.pairK, x.sum8K, t * cols, cols, x.dK, t * nb, nb,
                            out, outOff + t * rows + Q6_KInterleaved.ROWS * g, rows);
                }
                for (; t < tokens; t++) {
                    Q6_KInterleavedDotForCpu.group(data, o, x.pairK, x.sum8K, t * cols, x.dK, t * nb, nb, out, outOff + t * rows + Q6_KInterleaved.ROWS * g);
                }
            }
        }
    }

    private static final class Q6_KJob extends Job {
        @Override
        public void run(int from, int to) {
            for (int k = 0; k < to - from; k++) {
                int r = MatMul.farApartRow(from, to, k);
                out[outOff + r] = IntDotKernels.dotQ6_K(data, r * rowBytes, x, cols);
            }
        }
    }
}
