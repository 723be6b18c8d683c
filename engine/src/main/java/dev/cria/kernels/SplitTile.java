package dev.cria.kernels;

import jdk.incubator.vector.FloatVector;

import dev.cria.tensor.PaddedArrays;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static dev.cria.kernels.FloatDot.BIT1;
import static dev.cria.kernels.FloatDot.BIT2;
import static dev.cria.kernels.FloatDot.BIT4;
import static dev.cria.kernels.FloatDot.BIT8;
import static dev.cria.kernels.FloatDot.F;
import static dev.cria.kernels.FloatDot.GROUP;
import static dev.cria.kernels.FloatDot.XOR1;
import static dev.cria.kernels.FloatDot.XOR2;
import static dev.cria.kernels.FloatDot.XOR4;
import static dev.cria.kernels.FloatDot.XOR8;

/**
 * The batched matmul's float scratch: decoded weight rows and the tokens' activations stored in
 * {@link FloatDot}'s two accumulator halves, so that each half is one contiguous run.
 *
 * <p>{@link FloatDot} sends values 0-15 of every 32-value group to accumulator {@code a} and 16-31 to
 * {@code b}. Here a vector of n values (n a multiple of 32) is stored "split": the a-values of all
 * groups first, then all b-values ({@link #aOffset}, {@link #bOffset}). A dot is then two passes over
 * contiguous memory with one accumulator per (row, token), which lets {@link #accumulate4x4} keep 16
 * dots in registers with 8 loads per 16 fused multiply-adds. Each accumulator lane still receives its
 * values in increasing order and the halves are combined by {@link FloatDot#reduce}'s tree: the same
 * bits as {@link FloatDot#dot}.
 *
 * <p>The scratch is off-heap and 64-byte aligned: a 512-bit load from a Java array straddles two
 * cache lines whenever the array's data is not 64-byte aligned.
 */
final class SplitTile {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int HALF = GROUP / 2;

    private final Arena arena = Arena.ofAuto();
    private MemorySegment memory = MemorySegment.NULL;
    /**
     * Floats between two vector slots: g plus one cache line, so that the 8 streams of
     * {@link #accumulate4x4} do not all fall on the same L1 sets (g is a multiple of 1024 in real models,
     * and loads 4 KiB apart alias).
     */
    private static final int PAD = 16;
    /** Values per vector ({@code g}, a multiple of 32), floats between slots, and the floats the memory holds. */
    private int g, slot;
    private long capacity;

    /** Makes room for {@code vectors} split vectors of {@code n} values (a multiple of 32). */
    MemorySegment ensure(int vectors, int n) {
        if (n % GROUP != 0) throw new IllegalArgumentException("split vectors need a multiple of " + GROUP + " values, got " + n);
        g = n;
        slot = g + PAD;
        if ((long) vectors * slot > capacity) {
            capacity = Math.max((long) vectors * slot, 2 * capacity);
            memory = arena.allocate(4L * capacity, 64);
        }
        return memory;
    }

    /** The memory {@link #ensure} last sized. */
    MemorySegment memory() {
        return memory;
    }

    /** Byte offset of slot {@code index}'s a-values: group q's values 0-15 at {@code + 64 q}. */
    long aOffset(int index) {
        return 4L * index * slot;
    }

    /** Byte offset of slot {@code index}'s b-values: group q's values 16-31 at {@code + 64 q}. */
    long bOffset(int index) {
        return aOffset(index) + 4L * (g / 2);
    }

    /** Copies {@code v[off .. off+g)} split into slot {@code index}. */
    void put(int index, float[] v, int off) {
        split(v, off, memory, aOffset(index), bOffset(index), g);
    }

    /** Fills slot {@code index} with zeros (a padding token whose results are dropped). */
    void clear(int index) {
        FloatVector zero = FloatVector.zero(F);
        for (long o = aOffset(index), end = o + 4L * g; o < end; o += 64) zero.intoMemorySegment(memory, o, LE);
    }

    /** Copies {@code v[off .. off+n)} split to {@code dst}: group q's values 0-15 at {@code a + 64 q}, 16-31 at {@code b + 64 q}. */
    static void split(float[] v, int off, MemorySegment dst, long a, long b, int n) {
        for (int j = 0; j < n; j += GROUP, a += 64, b += 64) {
            FloatVector.fromArray(F, v, off + j).intoMemorySegment(dst, a, LE);
            FloatVector.fromArray(F, v, off + j + HALF).intoMemorySegment(dst, b, LE);
        }
    }

    /** Floats of each half taken per {@link #accumulate4x4} call: 4 rows' chunks (16 KB) stay in L1 for every token quad. */
    static final int CHUNK = 1024;

    /** Floats of {@code acc} one token quad uses: 16 accumulators for each half. */
    static final int QUAD_ACC = 512;

    /** Floats in each half of a stored vector. */
    int half() {
        return g / 2;
    }

    /**
     * Adds values {@code [from, to)} of each half (multiples of 16) of rows {@code 0..3} of {@code rows}
     * times tokens {@code t0..t0+3} of {@code tokens} to the 32 accumulators at {@code acc[accOff ..
     * accOff + QUAD_ACC)}: (row k, token t) at {@code 16 (4k + t)}, the second half 256 further.
     * Chunk after chunk in increasing order, each lane's chain is the canonical one.
     */
    static void accumulate4x4(SplitTile rows, SplitTile tokens, int t0, int from, int to, float[] acc, int accOff) {
        long h = 4L * rows.half();
        long w = 4L * from, x = 4L * t0 * tokens.slot + 4L * from, bytes = 4L * (to - from);
        pass(rows.memory, w, 4L * rows.slot, tokens.memory, x, 4L * tokens.slot, bytes, acc, accOff);
        pass(rows.memory, w + h, 4L * rows.slot, tokens.memory, x + h, 4L * tokens.slot, bytes, acc, accOff + 256);
    }

    /**
     * {@code out[outOff + k + t * outStride] = } (row k, token t)'s canonical sum from the accumulators
     * at {@code acc[accOff ..]}, for the first {@code tokens} tokens; uses {@code sum[PaddedArrays.PAD ..]} (16 floats) as scratch.
     *
     * <p>The 16 reductions run side by side: each butterfly level of {@link FloatDot#reduce} merges two
     * vectors into one (lanes whose level bit is clear keep the first vector's pair sums, the others
     * the second's), so 16 vectors become one whose lane {@code 4k + t} is (k, t)'s sum. Every lane
     * adds the same pairs in the same tree as FloatDot, so the bits are those of the one-token dot.
     */
    static void reduce4x4(float[] acc, int accOff, int tokens, float[] sum, float[] out, int outOff, int outStride) {
        // written out (no helper methods): C2 would not inline them all, and would box the vectors
        FloatVector v0 = FloatVector.fromArray(F, acc, accOff + 0).add(FloatVector.fromArray(F, acc, accOff + 256));
        FloatVector v1 = FloatVector.fromArray(F, acc, accOff + 16).add(FloatVector.fromArray(F, acc, accOff + 272));
        FloatVector v2 = FloatVector.fromArray(F, acc, accOff + 32).add(FloatVector.fromArray(F, acc, accOff + 288));
        FloatVector v3 = FloatVector.fromArray(F, acc, accOff + 48).add(FloatVector.fromArray(F, acc, accOff + 304));
        FloatVector v4 = FloatVector.fromArray(F, acc, accOff + 64).add(FloatVector.fromArray(F, acc, accOff + 320));
        FloatVector v5 = FloatVector.fromArray(F, acc, accOff + 80).add(FloatVector.fromArray(F, acc, accOff + 336));
        FloatVector v6 = FloatVector.fromArray(F, acc, accOff + 96).add(FloatVector.fromArray(F, acc, accOff + 352));
        FloatVector v7 = FloatVector.fromArray(F, acc, accOff + 112).add(FloatVector.fromArray(F, acc, accOff + 368));
        FloatVector v8 = FloatVector.fromArray(F, acc, accOff + 128).add(FloatVector.fromArray(F, acc, accOff + 384));
        FloatVector v9 = FloatVector.fromArray(F, acc, accOff + 144).add(FloatVector.fromArray(F, acc, accOff + 400));
        FloatVector v10 = FloatVector.fromArray(F, acc, accOff + 160).add(FloatVector.fromArray(F, acc, accOff + 416));
        FloatVector v11 = FloatVector.fromArray(F, acc, accOff + 176).add(FloatVector.fromArray(F, acc, accOff + 432));
        FloatVector v12 = FloatVector.fromArray(F, acc, accOff + 192).add(FloatVector.fromArray(F, acc, accOff + 448));
        FloatVector v13 = FloatVector.fromArray(F, acc, accOff + 208).add(FloatVector.fromArray(F, acc, accOff + 464));
        FloatVector v14 = FloatVector.fromArray(F, acc, accOff + 224).add(FloatVector.fromArray(F, acc, accOff + 480));
        FloatVector v15 = FloatVector.fromArray(F, acc, accOff + 240).add(FloatVector.fromArray(F, acc, accOff + 496));
        FloatVector w0 = v0.blend(v8, BIT8).add(v8.blend(v0, BIT8).rearrange(XOR8));
        FloatVector w1 = v1.blend(v9, BIT8).add(v9.blend(v1, BIT8).rearrange(XOR8));
        FloatVector w2 = v2.blend(v10, BIT8).add(v10.blend(v2, BIT8).rearrange(XOR8));
        FloatVector w3 = v3.blend(v11, BIT8).add(v11.blend(v3, BIT8).rearrange(XOR8));
        FloatVector w4 = v4.blend(v12, BIT8).add(v12.blend(v4, BIT8).rearrange(XOR8));
        FloatVector w5 = v5.blend(v13, BIT8).add(v13.blend(v5, BIT8).rearrange(XOR8));
        FloatVector w6 = v6.blend(v14, BIT8).add(v14.blend(v6, BIT8).rearrange(XOR8));
        FloatVector w7 = v7.blend(v15, BIT8).add(v15.blend(v7, BIT8).rearrange(XOR8));
        FloatVector x0 = w0.blend(w4, BIT4).add(w4.blend(w0, BIT4).rearrange(XOR4));
        FloatVector x1 = w1.blend(w5, BIT4).add(w5.blend(w1, BIT4).rearrange(XOR4));
        FloatVector x2 = w2.blend(w6, BIT4).add(w6.blend(w2, BIT4).rearrange(XOR4));
        FloatVector x3 = w3.blend(w7, BIT4).add(w7.blend(w3, BIT4).rearrange(XOR4));
        FloatVector y0 = x0.blend(x2, BIT2).add(x2.blend(x0, BIT2).rearrange(XOR2));
        FloatVector y1 = x1.blend(x3, BIT2).add(x3.blend(x1, BIT2).rearrange(XOR2));
        y0.blend(y1, BIT1).add(y1.blend(y0, BIT1).rearrange(XOR1)).intoArray(sum, PaddedArrays.PAD);
        for (int k = 0; k < 4; k++) {
            for (int t = 0; t < tokens; t++) out[outOff + k + t * outStride] = sum[PaddedArrays.PAD + 4 * k + t];
        }
    }


    private static FloatVector acc(float[] acc, int accOff, int i) {
        return FloatVector.fromArray(F, acc, accOff + 16 * i);
    }

    /**
     * One half: {@code bytes} of contiguous values from row {@code k} at {@code w + k * wStride} and token
     * {@code t} at {@code x + t * xStride}; accumulator (k, t) is loaded from and stored back to {@code acc[accOff + 16 (4k + t)]}.
     */
    private static void pass(MemorySegment ws, long w, long wStride, MemorySegment xs, long x, long xStride, long bytes, float[] acc, int accOff) {
        long w1 = w + wStride, w2 = w + 2 * wStride, w3 = w + 3 * wStride;
        long x1 = x + xStride, x2 = x + 2 * xStride, x3 = x + 3 * xStride;
        FloatVector c00 = acc(acc, accOff, 0), c01 = acc(acc, accOff, 1), c02 = acc(acc, accOff, 2), c03 = acc(acc, accOff, 3);
        FloatVector c10 = acc(acc, accOff, 4), c11 = acc(acc, accOff, 5), c12 = acc(acc, accOff, 6), c13 = acc(acc, accOff, 7);
        FloatVector c20 = acc(acc, accOff, 8), c21 = acc(acc, accOff, 9), c22 = acc(acc, accOff, 10), c23 = acc(acc, accOff, 11);
        FloatVector c30 = acc(acc, accOff, 12), c31 = acc(acc, accOff, 13), c32 = acc(acc, accOff, 14), c33 = acc(acc, accOff, 15);
        for (long j = 0; j < bytes; j += 64) {
            FloatVector p0 = FloatVector.fromMemorySegment(F, xs, x + j, LE), p1 = FloatVector.fromMemorySegment(F, xs, x1 + j, LE);
            FloatVector p2 = FloatVector.fromMemorySegment(F, xs, x2 + j, LE), p3 = FloatVector.fromMemorySegment(F, xs, x3 + j, LE);
            FloatVector v = FloatVector.fromMemorySegment(F, ws, w + j, LE);
            c00 = v.fma(p0, c00);
            c01 = v.fma(p1, c01);
            c02 = v.fma(p2, c02);
            c03 = v.fma(p3, c03);
            v = FloatVector.fromMemorySegment(F, ws, w1 + j, LE);
            c10 = v.fma(p0, c10);
            c11 = v.fma(p1, c11);
            c12 = v.fma(p2, c12);
            c13 = v.fma(p3, c13);
            v = FloatVector.fromMemorySegment(F, ws, w2 + j, LE);
            c20 = v.fma(p0, c20);
            c21 = v.fma(p1, c21);
            c22 = v.fma(p2, c22);
            c23 = v.fma(p3, c23);
            v = FloatVector.fromMemorySegment(F, ws, w3 + j, LE);
            c30 = v.fma(p0, c30);
            c31 = v.fma(p1, c31);
            c32 = v.fma(p2, c32);
            c33 = v.fma(p3, c33);
        }
        c00.intoArray(acc, accOff);
        c01.intoArray(acc, accOff + 16);
        c02.intoArray(acc, accOff + 32);
        c03.intoArray(acc, accOff + 48);
        c10.intoArray(acc, accOff + 64);
        c11.intoArray(acc, accOff + 80);
        c12.intoArray(acc, accOff + 96);
        c13.intoArray(acc, accOff + 112);
        c20.intoArray(acc, accOff + 128);
        c21.intoArray(acc, accOff + 144);
        c22.intoArray(acc, accOff + 160);
        c23.intoArray(acc, accOff + 176);
        c30.intoArray(acc, accOff + 192);
        c31.intoArray(acc, accOff + 208);
        c32.intoArray(acc, accOff + 224);
        c33.intoArray(acc, accOff + 240);
    }
}
