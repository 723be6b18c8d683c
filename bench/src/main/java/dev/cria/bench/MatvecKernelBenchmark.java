package dev.cria.bench;

import dev.cria.kernels.ComputePool;
import dev.cria.kernels.MatMul;
import dev.cria.kernels.Q8Activations;
import dev.cria.kernels.Q4_0Interleaved;
import dev.cria.kernels.Q4_KInterleaved;
import dev.cria.kernels.Q6_KInterleaved;
import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;
import dev.cria.util.HugePages;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Matvec / matmul throughput on Llama 3.2 1B MLP shapes (hidden 2048, ffn 8192), 2 threads.
 * One op = one 8192x2048 (up/gate) plus one 2048x8192 (down) matvec = 33.5M weights. The weights
 * are cycled through ~600 MB of copies so they come from DRAM, as in a real forward pass, on
 * huge pages as a model file's are (see HugePages).
 *
 * <p>Converting a time per op {@code t} (ms): weight GB/s = pairBytes / t; tokens/s for the
 * 1.24e9 weights a 1B token reads = 33.5e6 / (1.24e9 * t / 1000).
 * Run: {@code bin/jmh MatvecKernel -f 1 -wi 2 -i 3 -w 2s -r 2s}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MatvecKernelBenchmark {
    private static final int HIDDEN = 2048, FFN = 8192;
    /** Bytes of weight copies cycled through; -Dcria.bench.mb=1 keeps one pair (in cache where it fits) to separate compute from DRAM. */
    private static final long TARGET_BYTES = Long.getLong("cria.bench.mb", 600) << 20;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Param({"Q4_0", "Q8_0", "Q4_K", "Q6_K", "F16", "BF16"})
    public String type;

    @Param({"2"})
    public int threads;

    private Arena arena;
    private ComputePool pool;
    private WeightMatrix[] up, down;
    /** The copies as {@code --activations q8} loads them: interleaved for the integer kernels where the type has them. */
    private WeightMatrix[] upQ8, downQ8;
    private float[] xHidden, xFfn, outFfn, outHidden;
    private float[] xBatch, outBatch;
    private final Q8Activations quantized = new Q8Activations();
    private int next;

    @Setup(Level.Trial)
    public void setup() {
        GgmlType t = GgmlType.valueOf(type);
        long bytes = t.bytesFor((long) HIDDEN * FFN);
        int copies = (int) Math.max(2, (TARGET_BYTES + 2 * bytes - 1) / (2 * bytes));
        arena = Arena.ofShared();
        MemorySegment first = randomWeights(t, bytes, arena);
        up = new WeightMatrix[copies];
        down = new WeightMatrix[copies];
        for (int c = 0; c < copies; c++) {
            MemorySegment a = c == 0 ? first : HugePages.allocate(arena, bytes).copyFrom(first);
            MemorySegment b = HugePages.allocate(arena, bytes).copyFrom(first);
            up[c] = new WeightMatrix("up" + c, t, FFN, HIDDEN, a);
            down[c] = new WeightMatrix("down" + c, t, HIDDEN, FFN, b);
        }
        upQ8 = new WeightMatrix[copies];
        downQ8 = new WeightMatrix[copies];
        for (int c = 0; c < copies; c++) {
            upQ8[c] = interleaved(up[c], arena);
            downQ8[c] = interleaved(down[c], arena);
        }
        Random rnd = new Random(1);
        xHidden = gaussian(HIDDEN, rnd);
        xFfn = gaussian(FFN, rnd);
        outFfn = new float[FFN];
        outHidden = new float[HIDDEN];
        xBatch = gaussian(16 * HIDDEN, rnd);
        outBatch = new float[16 * FFN];
        pool = new ComputePool(threads);
        System.out.printf("%n%s: %d copies of a %.1f MB up+down pair%n", t, copies, 2 * bytes / 1e6);
    }

    /** {@code m} interleaved as the loader does for q8 activations, or {@code m} itself where its type has no such layout. */
    private static WeightMatrix interleaved(WeightMatrix m, Arena arena) {
        return switch (m.type()) {
            case Q4_0 -> Q4_0Interleaved.repack(m, arena, false, bytes -> {
            });
            case Q4_K -> Q4_KInterleaved.repack(m, arena, false, bytes -> {
            });
            case Q6_K -> Q6_KInterleaved.repack(m, arena, false, bytes -> {
            });
            default -> m;
        };
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    /** One token through an up (8192x2048) and a down (2048x8192) matrix. */
    @Benchmark
    public float matvecUpDown() {
        int c = next;
        next = (c + 1) % up.length;
        MatMul.matvec(pool, up[c], xHidden, 0, outFfn, 0);
        MatMul.matvec(pool, down[c], xFfn, 0, outHidden, 0);
        return outFfn[1] + outHidden[1];
    }

    /**
     * {@link #matvecUpDown} with {@code --activations q8}: the input quantized to int8 blocks and the
     * integer kernels over interleaved copies (Q4_0, Q4_K, Q6_K; other types take the float matvec,
     * so this equals matvecUpDown for them).
     */
    @Benchmark
    public float matvecUpDownQ8() {
        int c = next;
        next = (c + 1) % up.length;
        quantized.set(xHidden, 0, HIDDEN);
        MatMul.matmul(pool, upQ8[c], xHidden, quantized, 1, outFfn);
        quantized.set(xFfn, 0, FFN);
        MatMul.matmul(pool, downQ8[c], xFfn, quantized, 1, outHidden);
        return outFfn[1] + outHidden[1];
    }

    /** 16 tokens through the up matrix (8192x2048): the prompt-processing path. */
    @Benchmark
    public float matmulUpBatch16() {
        return upBatch(16);
    }

    /**
     * {@link #matmulUpBatch16} with {@code --activations q8}: the four-token integer kernels over an
     * interleaved copy (Q4_0, Q4_K, Q6_K; other types the float batch), as prompt processing runs them.
     */
    @Benchmark
    public float matmulUpBatch16Q8() {
        int c = next;
        next = (c + 1) % up.length;
        quantized.set(xBatch, 0, HIDDEN, 16);
        MatMul.matmul(pool, upQ8[c], xBatch, quantized, 16, outBatch);
        return outBatch[1];
    }

    /** 8 tokens through the up matrix in one call: continuous batching's decode step for 8 users. */
    @Benchmark
    public float matmulUpBatch8() {
        return upBatch(8);
    }

    /** 4 tokens through the up matrix in one call: the decode step for 4 users (the token-group kernels for Q4_0, Q8_0, Q4_K, Q6_K). */
    @Benchmark
    public float matmulUpBatch4() {
        return upBatch(4);
    }

    /** {@code tokens} tokens through the next copy of the up matrix in one call. */
    private float upBatch(int tokens) {
        int c = next;
        next = (c + 1) % up.length;
        MatMul.matmul(pool, up[c], xBatch, tokens, outBatch);
        return outBatch[1];
    }

    /** The same 8 tokens as 8 separate matvecs: what {@link #matmulUpBatch8} should beat by far. */
    @Benchmark
    public float matvecUp8Times() {
        int c = next;
        next = (c + 1) % up.length;
        for (int b = 0; b < 8; b++) MatMul.matvec(pool, up[c], xBatch, b * HIDDEN, outBatch, b * FFN);
        return outBatch[1];
    }

    private static float[] gaussian(int n, Random rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    /** Random bytes with every f16 scale set to a finite value (the blocks' scale offsets from ggml-common.h). */
    private static MemorySegment randomWeights(GgmlType t, long bytes, Arena arena) {
        MemorySegment seg = HugePages.allocate(arena, bytes);
        Random rnd = new Random(42);
        byte[] chunk = new byte[1 << 20];
        for (long off = 0; off < bytes; off += chunk.length) {
            rnd.nextBytes(chunk);
            MemorySegment.copy(MemorySegment.ofArray(chunk), 0, seg, off, Math.min(chunk.length, bytes - off));
        }
        int[] halves = switch (t) {
            case Q4_0, Q5_0, Q8_0 -> new int[]{0};
            case Q4_1, Q5_1, Q4_K, Q5_K -> new int[]{0, 2};
            case Q2_K -> new int[]{80, 82};
            case Q3_K -> new int[]{108};
            case Q6_K -> new int[]{208};
            case F16, BF16 -> null;
            case F32 -> throw new IllegalArgumentException("F32 is not benchmarked here");
        };
        if (halves == null) {
            // every value a finite half / bfloat16
            for (long off = 0; off < bytes; off += 2) {
                float v = (float) rnd.nextGaussian() * 0.05f;
                short bits = t == GgmlType.F16 ? Float.floatToFloat16(v) : (short) (Float.floatToRawIntBits(v) >>> 16);
                seg.set(I16, off, bits);
            }
        } else {
            for (long b = 0; b < bytes / t.blockBytes; b++) {
                for (int h : halves) seg.set(I16, b * t.blockBytes + h, Float.floatToFloat16(0.001f + rnd.nextFloat() * 0.05f));
            }
        }
        return seg;
    }
}
