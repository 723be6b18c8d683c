package dev.cria.bench;

import dev.cria.kernels.ComputePool;
import dev.cria.kernels.MatMul;
import dev.cria.kernels.Q4_0Interleaved;
import dev.cria.kernels.Q8Activations;
import dev.cria.kernels.Q8MatMul;
import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;
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
 * The Q4_0 one-token kernels alone, one thread, weights in cache: a {@code rows x cols} matrix
 * (default 256 x 2048 = 0.5 M weights, 288-320 KB: in a Zen 4 core's 1 MB L2) times one activation
 * vector, through the exact f32 route ({@link MatMul#matvec}, the file layout) and the integer route
 * of {@code --activations q8} ({@link Q8MatMul#matmul}, the {@link Q4_0Interleaved} layout, activations quantized once in
 * setup, so only the kernel is timed; {@link #q8WithQuantize} adds the quantization per call).
 * Cycles per 32 weights = ns per op * GHz * 32 / (rows * cols).
 * Run: {@code bin/jmh Q4_0Kernel -f 1 -wi 3 -i 5 -w 1s -r 1s}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class Q4_0KernelBenchmark {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Param({"256"})
    public int rows;

    @Param({"2048"})
    public int cols;

    private Arena arena;
    private ComputePool pool;
    private WeightMatrix w, interleaved;
    private float[] x, out;
    private final Q8Activations quantized = new Q8Activations();

    @Setup(Level.Trial)
    public void setup() {
        arena = Arena.ofShared();
        Random rnd = new Random(3);
        long bytes = GgmlType.Q4_0.bytesFor((long) rows * cols);
        MemorySegment file = arena.allocate(bytes, 64);
        byte[] raw = new byte[(int) bytes];
        rnd.nextBytes(raw);
        MemorySegment.copy(MemorySegment.ofArray(raw), 0, file, 0, bytes);
        for (long b = 0; b < bytes / 18; b++) file.set(I16, 18 * b, Float.floatToFloat16(0.001f + rnd.nextFloat() * 0.05f));
        w = new WeightMatrix("q4_0", GgmlType.Q4_0, rows, cols, file);
        interleaved = Q4_0Interleaved.repack(w, arena, false, done -> {
        });
        x = new float[cols];
        for (int j = 0; j < cols; j++) x[j] = (float) rnd.nextGaussian();
        out = new float[rows];
        pool = new ComputePool(1);
        quantized.set(x, 0, cols);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.close();
        arena.close();
    }

    /** The exact route: float activations, the file layout's vector kernel. */
    @Benchmark
    public float f32() {
        MatMul.matvec(pool, w, x, 0, out, 0);
        return out[1];
    }

    /** The integer route over activations quantized once (the kernel alone). */
    @Benchmark
    public float q8() {
        Q8MatMul.matmul(pool, interleaved, quantized, out, 0);
        return out[1];
    }

    /** {@link #q8} with the activations quantized again in every call (as each new input is). */
    @Benchmark
    public float q8WithQuantize() {
        quantized.set(x, 0, cols);
        Q8MatMul.matmul(pool, interleaved, quantized, out, 0);
        return out[1];
    }
}
