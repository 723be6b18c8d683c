package dev.cria.bench;

import dev.cria.kernels.ComputePool;
import dev.cria.kernels.Q8MatVec;
import dev.cria.kernels.MatMul;
import dev.cria.kernels.Q8Activations;
import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;
import org.openjdk.jmh.annotations.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;
import java.util.concurrent.TimeUnit;

@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class Q8MatvecBenchmark {
    private static final int HIDDEN = 2048, FFN = 8192;
    private static final long TARGET_BYTES = 600L << 20;
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Param({"Q4_0", "Q8_0", "Q4_K", "Q6_K"})
    public String type;

    private Arena arena;
    private ComputePool pool;
    private WeightMatrix[] up, down;
    private float[] xHidden, xFfn, outFfn, outHidden;
    private final Q8Activations qa = new Q8Activations();
    private int next;

    @Setup(Level.Trial)
    public void setup() {
        GgmlType t = GgmlType.valueOf(type);
        long bytes = t.bytesFor((long) HIDDEN * FFN);
        int copies = (int) Math.max(2, (TARGET_BYTES + 2 * bytes - 1) / (2 * bytes));
        arena = Arena.ofShared();
        MemorySegment first = arena.allocate(bytes, 64);
        Random rnd = new Random(42);
        byte[] chunk = new byte[1 << 20];
        for (long off = 0; off < bytes; off += chunk.length) {
            rnd.nextBytes(chunk);
            MemorySegment.copy(MemorySegment.ofArray(chunk), 0, first, off, Math.min(chunk.length, bytes - off));
        }
        int[] halves = switch (t) { case Q4_0, Q8_0 -> new int[]{0}; case Q4_K -> new int[]{0, 2}; case Q6_K -> new int[]{208}; default -> throw new IllegalArgumentException(); };
        for (long b = 0; b < bytes / t.blockBytes; b++) for (int h : halves) first.set(I16, b * t.blockBytes + h, Float.floatToFloat16(0.001f + rnd.nextFloat() * 0.05f));
        up = new WeightMatrix[copies];
        down = new WeightMatrix[copies];
        for (int c = 0; c < copies; c++) {
            up[c] = new WeightMatrix("up" + c, t, FFN, HIDDEN, c == 0 ? first : arena.allocate(bytes, 64).copyFrom(first));
            down[c] = new WeightMatrix("down" + c, t, HIDDEN, FFN, arena.allocate(bytes, 64).copyFrom(first));
        }
        xHidden = gaussian(HIDDEN, rnd);
        xFfn = gaussian(FFN, rnd);
        outFfn = new float[FFN];
        outHidden = new float[HIDDEN];
        pool = new ComputePool(2);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    @Benchmark
    public float f32() {
        int c = next;
        next = (c + 1) % up.length;
        MatMul.matvec(pool, up[c], xHidden, 0, outFfn, 0);
        MatMul.matvec(pool, down[c], xFfn, 0, outHidden, 0);
        return outFfn[1] + outHidden[1];
    }

    private void mv(WeightMatrix w, float[] x, float[] out) {
        qa.set(x, 0, w.cols());
        Q8MatVec.matvec(pool, w, qa, out, 0);
    }

    @Benchmark
    public float q8() {
        int c = next;
        next = (c + 1) % up.length;
        mv(up[c], xHidden, outFfn);
        mv(down[c], xFfn, outHidden);
        return outFfn[1] + outHidden[1];
    }

    private static float[] gaussian(int n, Random rnd) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }
}
