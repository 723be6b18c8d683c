package dev.cria.kernels;

import dev.cria.tensor.WeightMatrix;

import java.lang.foreign.MemorySegment;

/**
 * The matmul over quantized activations ({@link Q8Activations}, ggml's behaviour):
 * {@code out[outOff + t * rows + r] ≈ Σ_j w[r][j] * x_t[j]} for every token t of {@code x}, with the
 * tokens rounded to int8 blocks, for a matrix in an interleaved layout ({@link Q4_0Interleaved},
 * {@link Q4_KInterleaved}, {@link Q6_KInterleaved}). Faster than the exact float path
 * ({@link MatMul}) because the integer kernels need fewer vector ops per weight; less exact (about
 * 1% relative error per dot, as llama.cpp). The model reaches it through
 * {@link MatMul#matmul(ComputePool, WeightMatrix, float[], Q8Activations, int, float[])}, which sends
 * every other matrix to the float path.
 *
 * <p>This class splits the work and threads; the type's {@link RowGroupKernel} multiplies. One
 * token splits the matrix's pairs of groups over the threads, pair k being groups k and k + half of
 * the matrix ({@link RowGroupKernel#groups2}: two memory streams far apart, as {@link MatMul}'s
 * single-token rows); only a matrix with an odd number of groups has a last group alone. Pairs are
 * counted over the whole matrix, not within each thread's range, because the ranges' sizes are
 * often odd (4,008 groups of the 128k-row output in 8 chunks of 501): the lone group of each range
 * then went to {@link RowGroupKernel#group}, called a few times per token, which C2 compiled only
 * tokens or seconds later, and until then each call ran interpreted, boxing every vector
 * (docs/benchmarks.md, "No rarely called kernel"). Several tokens take each group of the thread's range once
 * for the tokens four at a time ({@link RowGroupKernel#group4}), the last one to three one at a
 * time. Each
 * (row, token) comes out of the same kernel arithmetic either way, so a token's results do not
 * depend on its batch.
 *
 * <p>One job class per case, not one with a branch: C2 compiles each run() on its own. The kernels
 * themselves are compiled on their own too (the {@code dontinline} flags of bin/jdk25.sh), so the
 * call through the interface per group costs nothing measurable.
 */
public final class Q8MatMul {
    private static final ThreadLocal<Job> ONE_TOKEN_JOBS = ThreadLocal.withInitial(OneTokenJob::new);
    private static final ThreadLocal<Job> TOKENS_JOBS = ThreadLocal.withInitial(TokensJob::new);
    /** Kernel scratch, per thread: the pool's threads all run the calling thread's job object. */
    private static final ThreadLocal<int[]> SCRATCH = ThreadLocal.withInitial(() -> new int[0]);

    private Q8MatMul() {
    }

    /** Whether {@code w}'s layout has integer kernels (an interleaved one). */
    public static boolean supports(WeightMatrix w) {
        return RowGroupKernel.of(w.layout()) != null;
    }

    /** {@code out[outOff + t * w.rows() + r] = Σ_j w[r][j] * x_t[j]} for every token t of {@code x}. */
    public static void matmul(ComputePool pool, WeightMatrix w, Q8Activations x, float[] out, int outOff) {
        RowGroupKernel kernel = RowGroupKernel.of(w.layout());
        if (kernel == null) {
            throw new IllegalArgumentException(w.name() + ": " + w.type() + " in the " + w.layout() + " layout has no integer kernels");
        }
        if (x.length() != w.cols()) {
            throw new IllegalArgumentException(w.name() + ": " + w.cols() + " columns, but the activations hold " + x.length() + " values");
        }
        long need = (long) w.rows() * x.tokens();
        if (outOff < 0 || outOff + need > out.length) {
            throw new IllegalArgumentException(w.name() + ": output needs " + need + " floats from offset " + outOff + ", array has " + out.length);
        }
        kernel.prepare(x);
        Job job = (x.tokens() == 1 ? ONE_TOKEN_JOBS : TOKENS_JOBS).get();
        job.kernel = kernel;
        job.data = w.data();
        job.rows = w.rows();
        job.cols = w.cols();
        job.x = x;
        job.out = out;
        job.outOff = outOff;
        try {
            int groups = w.rows() / kernel.rows();
            pool.parallelFor(x.tokens() == 1 ? (groups + 1) / 2 : groups, job);
        } finally {
            job.kernel = null;
            job.data = null;
            job.x = null;
            job.out = null;
        }
    }

    /** The calling thread's kernel scratch, at least {@code ints} long. */
    private static int[] scratch(int ints) {
        int[] s = SCRATCH.get();
        if (s.length < ints) SCRATCH.set(s = new int[ints]);
        return s;
    }

    /** One call's arguments, reused per calling thread so a call allocates nothing. */
    private abstract static class Job implements RangeTask {
        RowGroupKernel kernel;
        MemorySegment data;
        int rows, cols, outOff;
        Q8Activations x;
        float[] out;
    }

    /** One token: the range counts pairs of groups, pair k being groups k and k + half; with an odd count, the last group alone. */
    private static final class OneTokenJob extends Job {
        @Override
        public void run(int from, int to) {
            int[] scratch = scratch(kernel.scratchInts());
            int n = kernel.rows(), half = rows / n / 2;
            for (int k = from; k < to; k++) {
                if (k == half) kernel.group(data, cols, 2 * half, x, 0, out, outOff + n * 2 * half, scratch);
                else kernel.groups2(data, cols, k, k + half, x, 0, out, outOff + n * k, outOff + n * (k + half), scratch);
            }
        }
    }

    /** Several tokens: per group, the tokens four at a time, the last one to three one at a time. */
    private static final class TokensJob extends Job {
        @Override
        public void run(int from, int to) {
            int[] scratch = scratch(kernel.scratchInts());
            int n = kernel.rows(), tokens = x.tokens();
            for (int g = from; g < to; g++) {
                int t = 0;
                for (; t + 4 <= tokens; t += 4) kernel.group4(data, cols, g, x, t, out, outOff + t * rows + n * g, rows, scratch);
                for (; t < tokens; t++) kernel.group(data, cols, g, x, t, out, outOff + t * rows + n * g, scratch);
            }
        }
    }
}
