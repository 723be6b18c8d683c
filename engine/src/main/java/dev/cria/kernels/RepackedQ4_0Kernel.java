package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static dev.cria.kernels.QuantVectors.F;
import static dev.cria.kernels.QuantVectors.shr;
import static dev.cria.kernels.QuantVectors.splat;
import static dev.cria.kernels.QuantVectors.toFloat;
import static dev.cria.kernels.QuantVectors.u8x16;
import static dev.cria.kernels.QuantVectors.x16;
import static dev.cria.tensor.PaddedArrays.PAD;

/**
 * The 512-bit kernel for Q4_0 in the {@link Q4_0Repacked} layout: per row, float32 scales then the
 * blocks' quant bytes back to back. Every value decodes to the float {@link VectorQ32Kernels.Q4_0Kernel}
 * decodes from the file layout ({@code (q - 8) * d}, or {@code fma(q, d, -8d)}, the same float: each
 * term is exact), summed in {@link FloatDot}'s order, so results are bit-identical to that kernel's.
 * A method's {@code o} is the start of a row and its {@code n} the row's length (the scales' place
 * depends on it). The routes are those of the file-layout kernel: a row range for one token, token
 * groups of 2-6, the split tile decode for larger batches.
 */
final class RepackedQ4_0Kernel implements WeightKernel, RowRangeKernel, TokenGroupKernel {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    @Override
    public GgmlType type() {
        return GgmlType.Q4_0;
    }

    @Override
    public void dequantize(MemorySegment w, long o, float[] dst, int i, int n) {
        int nb = n / 32;
        long q0 = o + 4L * nb;
        for (int k = 0; k < nb; k++, i += 32) {
            FloatVector d = splat(w.get(F32, o + 4L * k));
            IntVector q = u8x16(w, q0 + 16L * k);
            toFloat(q.and(0xF).sub(8)).mul(d).intoArray(dst, i);
            toFloat(shr(q, 4).sub(8)).mul(d).intoArray(dst, i + 16);
        }
    }

    @Override
    public void dequantizeSplit(MemorySegment w, long o, MemorySegment dst, long a, long b, int n, float[] scratch) {
        int nb = n / 32;
        long q0 = o + 4L * nb;
        for (int k = 0; k < nb; k++, a += 64, b += 64) {
            FloatVector d = splat(w.get(F32, o + 4L * k));
            IntVector q = u8x16(w, q0 + 16L * k);
            toFloat(q.and(0xF).sub(8)).mul(d).intoMemorySegment(dst, a, LE);
            toFloat(shr(q, 4).sub(8)).mul(d).intoMemorySegment(dst, b, LE);
        }
    }

    @Override
    public float dot(MemorySegment w, long o, float[] x, int i, int n) {
        return dotRow(w, o, x, i, n);
    }

    /** One token over a row range, rows in the far-apart order of {@link MatMul#farApartRow}; no per-row preparation is left. */
    @Override
    public void dotRows(MemorySegment w, long rowBytes, int from, int to, float[] x, int xOff, int n, float[] out, int outOff) {
        for (int k = 0; k < to - from; k++) {
            int r = MatMul.farApartRow(from, to, k);
            out[outOff + r] = dotRow(w, r * rowBytes, x, xOff, n);
        }
    }

    // (q - 8) * d as fma(q, d, -8d), as the file-layout kernel: the same float (a 4-bit integer
    // times an f16-exact scale is exact, and so is -8d), one vector op less.
    private static float dotRow(MemorySegment w, long o, float[] x, int i, int n) {
        int nb = n / 32;
        long q0 = o + 4L * nb;
        FloatVector a = FloatVector.zero(F), b = a;
        for (int k = 0; k < nb; k++) {
            float dk = w.get(F32, o + 4L * k);
            FloatVector d = splat(dk), m = splat(-8 * dk);
            IntVector q = u8x16(w, q0 + 16L * k);
            a = toFloat(q.and(0xF)).fma(d, m).fma(x16(x, i + 32 * k), a);
            b = toFloat(shr(q, 4)).fma(d, m).fma(x16(x, i + 32 * k + 16), b);
        }
        return FloatDot.reduce(a, b);
    }

    /**
     * Rows in pairs (r and r + half of the range) and tokens in fours, as
     * {@link VectorQ32Kernels.Q4_0Kernel#dotRowsGroup}: 32 values of both rows decoded in registers
     * and multiplied with four tokens' activations, loaded once for both rows.
     */
    @Override
    public void dotRowsGroup(MemorySegment w, long rowBytes, int from, int to, float[] x, int xOff, int tokens, int n, float[] out, int outOff, int outStride) {
        RowPrep s = RowPrep.forThread(n);
        float[] sums = s.sums;
        for (int k = 0, pairs = MatMul.rowPairs(from, to); k < pairs; k++) {
            int r0 = MatMul.pairFirst(from, to, k), r1 = MatMul.pairSecond(from, to, k);
            long o0 = r0 * rowBytes, o1 = r1 * rowBytes;
            for (int t = 0; t < tokens; t += 4) {
                // four tokens at a time; a chunk of one, or of three, repeats its first token (those sums are dropped)
                int m = Math.min(4, tokens - t), x0 = xOff + t * n;
                if (m <= 2) dot2x2(w, o0, o1, x, x0, m == 2 ? x0 + n : x0, n, sums);
                else dot2x4(w, o0, o1, x, x0, x0 + n, x0 + 2 * n, m == 4 ? x0 + 3 * n : x0, n, sums);
                s.reduceSums(t, m, out, outOff, outStride, r0, r1);
            }
        }
    }

    /** {@link #dot2x4} for two tokens. */
    private static void dot2x2(MemorySegment w, long o0, long o1, float[] x, int x0, int x1, int n, float[] sums) {
        FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, c0 = a0, e0 = a0, c1 = a0, e1 = a0;
        int nb = n / 32;
        long q0 = o0 + 4L * nb, q1 = o1 + 4L * nb;
        for (int k = 0, i = 0; k < nb; k++, i += 32) {
            IntVector q = u8x16(w, q0 + 16L * k), p = u8x16(w, q1 + 16L * k);
            float dk = w.get(F32, o0 + 4L * k);
            FloatVector d = splat(dk), m = splat(-8 * dk);
            FloatVector lo = toFloat(q.and(0xF)).fma(d, m), hi = toFloat(shr(q, 4)).fma(d, m);
            dk = w.get(F32, o1 + 4L * k);
            d = splat(dk);
            m = splat(-8 * dk);
            FloatVector lo1 = toFloat(p.and(0xF)).fma(d, m), hi1 = toFloat(shr(p, 4)).fma(d, m);
            FloatVector y = x16(x, x0 + i), z = x16(x, x0 + i + 16);
            a0 = lo.fma(y, a0);
            b0 = hi.fma(z, b0);
            c0 = lo1.fma(y, c0);
            e0 = hi1.fma(z, e0);
            y = x16(x, x1 + i);
            z = x16(x, x1 + i + 16);
            a1 = lo.fma(y, a1);
            b1 = hi.fma(z, b1);
            c1 = lo1.fma(y, c1);
            e1 = hi1.fma(z, e1);
        }
        a0.add(b0).intoArray(sums, PAD);
        a1.add(b1).intoArray(sums, PAD + 16);
        c0.add(e0).intoArray(sums, PAD + 64);
        c1.add(e1).intoArray(sums, PAD + 80);
    }

    /**
     * Rows at {@code o0}, {@code o1} times the tokens at {@code x0..x3}: each (row, token)'s two
     * FloatDot accumulators, added, go to {@code sums[PAD + 64 row + 16 token ..]} (stored, not
     * reduced here: the method is at C2's node budget, as its file-layout twin).
     */
    private static void dot2x4(MemorySegment w, long o0, long o1, float[] x, int x0, int x1, int x2, int x3, int n, float[] sums) {
        FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
        FloatVector c0 = a0, e0 = a0, c1 = a0, e1 = a0, c2 = a0, e2 = a0, c3 = a0, e3 = a0;
        int nb = n / 32;
        long q0 = o0 + 4L * nb, q1 = o1 + 4L * nb;
        for (int k = 0, i = 0; k < nb; k++, i += 32) {
            IntVector q = u8x16(w, q0 + 16L * k), p = u8x16(w, q1 + 16L * k);
            float dk = w.get(F32, o0 + 4L * k);
            FloatVector d = splat(dk), m = splat(-8 * dk);
            FloatVector lo = toFloat(q.and(0xF)).fma(d, m), hi = toFloat(shr(q, 4)).fma(d, m);
            dk = w.get(F32, o1 + 4L * k);
            d = splat(dk);
            m = splat(-8 * dk);
            FloatVector lo1 = toFloat(p.and(0xF)).fma(d, m), hi1 = toFloat(shr(p, 4)).fma(d, m);
            FloatVector y = x16(x, x0 + i), z = x16(x, x0 + i + 16);
            a0 = lo.fma(y, a0);
            b0 = hi.fma(z, b0);
            c0 = lo1.fma(y, c0);
            e0 = hi1.fma(z, e0);
            y = x16(x, x1 + i);
            z = x16(x, x1 + i + 16);
            a1 = lo.fma(y, a1);
            b1 = hi.fma(z, b1);
            c1 = lo1.fma(y, c1);
            e1 = hi1.fma(z, e1);
            y = x16(x, x2 + i);
            z = x16(x, x2 + i + 16);
            a2 = lo.fma(y, a2);
            b2 = hi.fma(z, b2);
            c2 = lo1.fma(y, c2);
            e2 = hi1.fma(z, e2);
            y = x16(x, x3 + i);
            z = x16(x, x3 + i + 16);
            a3 = lo.fma(y, a3);
            b3 = hi.fma(z, b3);
            c3 = lo1.fma(y, c3);
            e3 = hi1.fma(z, e3);
        }
        a0.add(b0).intoArray(sums, PAD);
        a1.add(b1).intoArray(sums, PAD + 16);
        a2.add(b2).intoArray(sums, PAD + 32);
        a3.add(b3).intoArray(sums, PAD + 48);
        c0.add(e0).intoArray(sums, PAD + 64);
        c1.add(e1).intoArray(sums, PAD + 80);
        c2.add(e2).intoArray(sums, PAD + 96);
        c3.add(e3).intoArray(sums, PAD + 112);
    }
}
