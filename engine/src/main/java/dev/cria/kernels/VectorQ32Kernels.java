package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static dev.cria.tensor.PaddedArrays.PAD;
import static dev.cria.kernels.QuantVectors.F;
import static dev.cria.kernels.QuantVectors.I;
import static dev.cria.kernels.QuantVectors.i8x16;
import static dev.cria.kernels.QuantVectors.shr;
import static dev.cria.kernels.QuantVectors.splat;
import static dev.cria.kernels.QuantVectors.toFloat;
import static dev.cria.kernels.QuantVectors.u8x16;
import static dev.cria.kernels.QuantVectors.x16;
import static dev.cria.kernels.WeightBytes.f16;
import static dev.cria.kernels.WeightBytes.i32;

/**
 * Vector kernels for the 32-value block types Q4_0, Q4_1, Q5_0, Q5_1 and Q8_0. One block is one
 * {@link FloatDot} group: its values 0-15 go to accumulator 0 and 16-31 to accumulator 1, which is
 * exactly how ggml lays them out (low nibbles, then high nibbles). Each value is decoded to the same
 * float as ggml's {@code (q - 8) * d}, {@code q * d + m}: the product of a small integer and an f16
 * scale is exact in float, so {@code fma(q, d, m)} rounds exactly where {@code q * d + m} does.
 */
final class VectorQ32Kernels {
    private VectorQ32Kernels() {
    }

    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** Lane {@code l} shifts right by {@code l}: selects bit {@code l} (bit 4 after the pre-shift) of a Q5 qh word. */
    private static final IntVector LANE_SHIFT = IntVector.fromArray(I, new int[]{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, 0);

    /** Bit 4 of the 16 Q5 values whose high bits are bits {@code 0..15} of {@code qhShifted >>> 4}. */
    private static IntVector fifthBit(int qhShifted) {
        return IntVector.broadcast(I, qhShifted).lanewise(VectorOperators.LSHR, LANE_SHIFT).and(0x10);
    }

    // block_q4_0 {half d; u8 qs[16]}: (q - 8) * d
    static final class Q4_0Kernel implements WeightKernel, RowRangeKernel, TokenGroupKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q4_0;
        }

        @Override
        public void dequantize(MemorySegment w, long o, float[] dst, int i, int n) {
            for (int end = i + n; i < end; i += 32, o += 18) {
                FloatVector d = splat(f16(w, o));
                IntVector q = u8x16(w, o + 2);
                toFloat(q.and(0xF).sub(8)).mul(d).intoArray(dst, i);
                toFloat(shr(q, 4).sub(8)).mul(d).intoArray(dst, i + 16);
            }
        }

        @Override
        public void dequantizeSplit(MemorySegment w, long o, MemorySegment dst, long a, long b, int n, float[] scratch) {
            for (int i = 0; i < n; i += 32, o += 18, a += 64, b += 64) {
                FloatVector d = splat(f16(w, o));
                IntVector q = u8x16(w, o + 2);
                toFloat(q.and(0xF).sub(8)).mul(d).intoMemorySegment(dst, a, LE);
                toFloat(shr(q, 4).sub(8)).mul(d).intoMemorySegment(dst, b, LE);
            }
        }

        // (q - 8) * d as fma(q, d, -8d): every term is exact (a 4-bit integer times an f16), so this
        // is the same float with one vector op less. Only a zero may change sign (+0 for -0 when
        // d < 0), which no accumulator starting at +0 can tell apart. No two-row dot2 for this type:
        // measured slower from DRAM than one row at a time (the other types gain 15-40%).
        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            RowPrep s = RowPrep.forThread(n);
            s.q40Scales(w, o, n / 32);
            return dotWithScales(w, o, s.scales, x, i, n);
        }

        // One token over a row range: each row's block scales (d and -8d) are converted first, in a
        // scalar pass that touches every cache line of the row, then the vector loop broadcasts them
        // from memory. One thread from DRAM: 9.5-10.1 -> 8.8-9.3 cycles per 32 weights (in L2 the
        // same 5.9-6.6); 1B tg 13.0-13.8 -> 14.0-15.0 t/s back to back (the former loop converted
        // and broadcast each block's scale inside it).
        @Override
        public void dotRows(MemorySegment w, long rowBytes, int from, int to, float[] x, int xOff, int n, float[] out, int outOff) {
            RowPrep s = RowPrep.forThread(n);
            for (int k = 0; k < to - from; k++) {
                int r = MatMul.farApartRow(from, to, k);
                long o = r * rowBytes;
                s.q40Scales(w, o, n / 32);
                out[outOff + r] = dotWithScales(w, o, s.scales, x, xOff, n);
            }
        }

        private static float dotWithScales(MemorySegment w, long o, float[] sc, float[] x, int i, int n) {
            FloatVector a = FloatVector.zero(F), b = a;
            for (int k = 0; k < n / 32; k++) {
                IntVector q = u8x16(w, o + 18L * k + 2);
                FloatVector d = splat(sc[PAD + 2 * k]), m = splat(sc[PAD + 2 * k + 1]);
                a = toFloat(q.and(0xF)).fma(d, m).fma(x16(x, i + 32 * k), a);
                b = toFloat(shr(q, 4)).fma(d, m).fma(x16(x, i + 32 * k + 16), b);
            }
            return FloatDot.reduce(a, b);
        }

        /**
         * Rows in pairs (r and r + half of the range, the one-token visiting order's two streams) and
         * tokens in fours: each pass decodes 32 values of both rows into registers and multiplies them
         * with four tokens' activations, loaded once for both rows (16 products per 8 activation loads).
         * Five or six tokens take a second pass over the same two rows, then in L1. One thread, 1B
         * shapes: 4 tokens cost 10.9 cycles per 32 weights in L2 against 13.5 through the tile.
         */
        @Override
        public void dotRowsGroup(MemorySegment w, long rowBytes, int from, int to, float[] x, int xOff, int tokens, int n, float[] out, int outOff, int outStride) {
            RowPrep s = RowPrep.forThread(n);
            float[] sc = s.scales, sums = s.sums;
            int blocks = n / 32;
            for (int k = 0, pairs = MatMul.rowPairs(from, to); k < pairs; k++) {
                int r0 = MatMul.pairFirst(from, to, k), r1 = MatMul.pairSecond(from, to, k);
                long o0 = r0 * rowBytes, o1 = r1 * rowBytes;
                s.q40Scales(w, o0, blocks, 0);
                s.q40Scales(w, o1, blocks, 2 * blocks);
                for (int t = 0; t < tokens; t += 4) {
                    // four tokens at a time; a chunk of one, or of three, repeats its first token (those sums are dropped)
                    int m = Math.min(4, tokens - t), x0 = xOff + t * n;
                    if (m <= 2) dot2x2(w, o0, o1, sc, 2 * blocks, x, x0, m == 2 ? x0 + n : x0, n, sums);
                    else dot2x4(w, o0, o1, sc, 2 * blocks, x, x0, x0 + n, x0 + 2 * n, m == 4 ? x0 + 3 * n : x0, n, sums);
                    s.reduceSums(t, m, out, outOff, outStride, r0, r1);
                }
            }
        }

        /** {@link #dot2x4} for two tokens. */
        private static void dot2x2(MemorySegment w, long o0, long o1, float[] sc, int sc1, float[] x, int x0, int x1, int n, float[] sums) {
            FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, c0 = a0, e0 = a0, c1 = a0, e1 = a0;
            for (int k = 0, i = 0; k < n / 32; k++, i += 32) {
                IntVector q = u8x16(w, o0 + 18L * k + 2), p = u8x16(w, o1 + 18L * k + 2);
                FloatVector d = splat(sc[PAD + 2 * k]), m = splat(sc[PAD + 2 * k + 1]);
                FloatVector lo = toFloat(q.and(0xF)).fma(d, m), hi = toFloat(shr(q, 4)).fma(d, m);
                d = splat(sc[PAD + sc1 + 2 * k]);
                m = splat(sc[PAD + sc1 + 2 * k + 1]);
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
         * Rows at {@code o0}, {@code o1} (scales at {@code sc[PAD..]}, {@code sc[PAD + sc1..]}) times the
         * tokens at {@code x0..x3}: each (row, token)'s two FloatDot accumulators, added, go to
         * {@code sums[PAD + 64 row + 16 token ..]}. The sums are stored rather than reduced here: this
         * method is at C2's node budget, and a call it failed to inline would box its vectors.
         */
        private static void dot2x4(MemorySegment w, long o0, long o1, float[] sc, int sc1, float[] x, int x0, int x1, int x2, int x3, int n, float[] sums) {
            FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
            FloatVector c0 = a0, e0 = a0, c1 = a0, e1 = a0, c2 = a0, e2 = a0, c3 = a0, e3 = a0;
            for (int k = 0, i = 0; k < n / 32; k++, i += 32) {
                IntVector q = u8x16(w, o0 + 18L * k + 2), p = u8x16(w, o1 + 18L * k + 2);
                FloatVector d = splat(sc[PAD + 2 * k]), m = splat(sc[PAD + 2 * k + 1]);
                FloatVector lo = toFloat(q.and(0xF)).fma(d, m), hi = toFloat(shr(q, 4)).fma(d, m);
                d = splat(sc[PAD + sc1 + 2 * k]);
                m = splat(sc[PAD + sc1 + 2 * k + 1]);
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

    // block_q4_1 {half d; half m; u8 qs[16]}: q * d + m
    static final class Q4_1Kernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q4_1;
        }

        @Override
        public void dequantize(MemorySegment w, long o, float[] dst, int i, int n) {
            for (int end = i + n; i < end; i += 32, o += 20) {
                FloatVector d = splat(f16(w, o)), m = splat(f16(w, o + 2));
                IntVector q = u8x16(w, o + 4);
                toFloat(q.and(0xF)).fma(d, m).intoArray(dst, i);
                toFloat(shr(q, 4)).fma(d, m).intoArray(dst, i + 16);
            }
        }

        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector a = FloatVector.zero(F), b = a;
            for (int end = i + n; i < end; i += 32, o += 20) {
                FloatVector d = splat(f16(w, o)), m = splat(f16(w, o + 2));
                IntVector q = u8x16(w, o + 4);
                a = toFloat(q.and(0xF)).fma(d, m).fma(x16(x, i), a);
                b = toFloat(shr(q, 4)).fma(d, m).fma(x16(x, i + 16), b);
            }
            return FloatDot.reduce(a, b);
        }
    }

    // block_q5_0 {half d; u32 qh; u8 qs[16]}: (q - 16) * d, bit j of qh is bit 4 of value j
    static final class Q5_0Kernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q5_0;
        }

        @Override
        public void dequantize(MemorySegment w, long o, float[] dst, int i, int n) {
            for (int end = i + n; i < end; i += 32, o += 22) {
                FloatVector d = splat(f16(w, o));
                int qh = i32(w, o + 2);
                IntVector q = u8x16(w, o + 6);
                toFloat(q.and(0xF).or(fifthBit(qh << 4)).sub(16)).mul(d).intoArray(dst, i);
                toFloat(shr(q, 4).or(fifthBit(qh >>> 12)).sub(16)).mul(d).intoArray(dst, i + 16);
            }
        }

        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector a = FloatVector.zero(F), b = a;
            for (int end = i + n; i < end; i += 32, o += 22) {
                FloatVector d = splat(f16(w, o));
                int qh = i32(w, o + 2);
                IntVector q = u8x16(w, o + 6);
                a = toFloat(q.and(0xF).or(fifthBit(qh << 4)).sub(16)).mul(d).fma(x16(x, i), a);
                b = toFloat(shr(q, 4).or(fifthBit(qh >>> 12)).sub(16)).mul(d).fma(x16(x, i + 16), b);
            }
            return FloatDot.reduce(a, b);
        }
    }

    // block_q5_1 {half d; half m; u32 qh; u8 qs[16]}: q * d + m
    static final class Q5_1Kernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q5_1;
        }

        @Override
        public void dequantize(MemorySegment w, long o, float[] dst, int i, int n) {
            for (int end = i + n; i < end; i += 32, o += 24) {
                FloatVector d = splat(f16(w, o)), m = splat(f16(w, o + 2));
                int qh = i32(w, o + 4);
                IntVector q = u8x16(w, o + 8);
                toFloat(q.and(0xF).or(fifthBit(qh << 4))).fma(d, m).intoArray(dst, i);
                toFloat(shr(q, 4).or(fifthBit(qh >>> 12))).fma(d, m).intoArray(dst, i + 16);
            }
        }

        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector a = FloatVector.zero(F), b = a;
            for (int end = i + n; i < end; i += 32, o += 24) {
                FloatVector d = splat(f16(w, o)), m = splat(f16(w, o + 2));
                int qh = i32(w, o + 4);
                IntVector q = u8x16(w, o + 8);
                a = toFloat(q.and(0xF).or(fifthBit(qh << 4))).fma(d, m).fma(x16(x, i), a);
                b = toFloat(shr(q, 4).or(fifthBit(qh >>> 12))).fma(d, m).fma(x16(x, i + 16), b);
            }
            return FloatDot.reduce(a, b);
        }
    }

    // block_q8_0 {half d; i8 qs[32]}: q * d
    static final class Q8_0Kernel implements WeightKernel, TokenGroupKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q8_0;
        }

        @Override
        public void dequantize(MemorySegment w, long o, float[] dst, int i, int n) {
            for (int end = i + n; i < end; i += 32, o += 34) {
                FloatVector d = splat(f16(w, o));
                toFloat(i8x16(w, o + 2)).mul(d).intoArray(dst, i);
                toFloat(i8x16(w, o + 18)).mul(d).intoArray(dst, i + 16);
            }
        }

        @Override
        public void dequantizeSplit(MemorySegment w, long o, MemorySegment dst, long a, long b, int n, float[] scratch) {
            for (int i = 0; i < n; i += 32, o += 34, a += 64, b += 64) {
                FloatVector d = splat(f16(w, o));
                toFloat(i8x16(w, o + 2)).mul(d).intoMemorySegment(dst, a, LE);
                toFloat(i8x16(w, o + 18)).mul(d).intoMemorySegment(dst, b, LE);
            }
        }

        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector a = FloatVector.zero(F), b = a;
            for (int end = i + n; i < end; i += 32, o += 34) {
                FloatVector d = splat(f16(w, o));
                a = toFloat(i8x16(w, o + 2)).mul(d).fma(x16(x, i), a);
                b = toFloat(i8x16(w, o + 18)).mul(d).fma(x16(x, i + 16), b);
            }
            return FloatDot.reduce(a, b);
        }

        @Override
        public boolean pairsRows() {
            return true;
        }

        @Override
        public void dot2(MemorySegment w, long o0, long o1, float[] x, int i, int n, float[] out, int out0, int out1) {
            FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0;
            for (int end = i + n; i < end; i += 32, o0 += 34, o1 += 34) {
                FloatVector d0 = splat(f16(w, o0)), d1 = splat(f16(w, o1));
                FloatVector x0 = x16(x, i), x1 = x16(x, i + 16);
                a0 = q8(w, o0 + 2, d0, x0, a0);
                b0 = q8(w, o0 + 18, d0, x1, b0);
                a1 = q8(w, o1 + 2, d1, x0, a1);
                b1 = q8(w, o1 + 18, d1, x1, b1);
            }
            out[out0] = FloatDot.reduce(a0, b0);
            out[out1] = FloatDot.reduce(a1, b1);
        }

        private static FloatVector q8(MemorySegment w, long o, FloatVector d, FloatVector x, FloatVector acc) {
            return toFloat(i8x16(w, o)).mul(d).fma(x, acc);
        }

        /**
         * Up to eleven tokens (continuous batching's eight-sequence step and a little more) are
         * four-token passes over each row pair, all but the first from L1: an int8 row decodes in
         * registers with fewer ops than the tile's decode, store and reload; at twelve the two
         * measured equal (docs/benchmarks.md, "Token-group kernels").
         */
        @Override
        public int maxTokens() {
            return 11;
        }

        /** As Q4_0's: rows in pairs, tokens four (or two) at a time. */
        @Override
        public void dotRowsGroup(MemorySegment w, long rowBytes, int from, int to, float[] x, int xOff, int tokens, int n, float[] out, int outOff, int outStride) {
            RowPrep s = RowPrep.forThread(n);
            float[] sums = s.sums;
            for (int k = 0, pairs = MatMul.rowPairs(from, to); k < pairs; k++) {
                int r0 = MatMul.pairFirst(from, to, k), r1 = MatMul.pairSecond(from, to, k);
                for (int t = 0; t < tokens; t += 4) {
                    int m = Math.min(4, tokens - t), x0 = xOff + t * n;
                    if (m <= 2) dot2x2(w, r0 * rowBytes, r1 * rowBytes, x, x0, m == 2 ? x0 + n : x0, n, sums);
                    else dot2x4(w, r0 * rowBytes, r1 * rowBytes, x, x0, x0 + n, x0 + 2 * n, m == 4 ? x0 + 3 * n : x0, n, sums);
                    s.reduceSums(t, m, out, outOff, outStride, r0, r1);
                }
            }
        }

        private static void dot2x2(MemorySegment w, long o0, long o1, float[] x, int x0, int x1, int n, float[] sums) {
            FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, c0 = a0, e0 = a0, c1 = a0, e1 = a0;
            for (int i = 0; i < n; i += 32, o0 += 34, o1 += 34) {
                FloatVector d = splat(f16(w, o0)), lo = toFloat(i8x16(w, o0 + 2)).mul(d), hi = toFloat(i8x16(w, o0 + 18)).mul(d);
                d = splat(f16(w, o1));
                FloatVector lo1 = toFloat(i8x16(w, o1 + 2)).mul(d), hi1 = toFloat(i8x16(w, o1 + 18)).mul(d);
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

        private static void dot2x4(MemorySegment w, long o0, long o1, float[] x, int x0, int x1, int x2, int x3, int n, float[] sums) {
            FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
            FloatVector c0 = a0, e0 = a0, c1 = a0, e1 = a0, c2 = a0, e2 = a0, c3 = a0, e3 = a0;
            for (int i = 0; i < n; i += 32, o0 += 34, o1 += 34) {
                FloatVector d = splat(f16(w, o0)), lo = toFloat(i8x16(w, o0 + 2)).mul(d), hi = toFloat(i8x16(w, o0 + 18)).mul(d);
                d = splat(f16(w, o1));
                FloatVector lo1 = toFloat(i8x16(w, o1 + 2)).mul(d), hi1 = toFloat(i8x16(w, o1 + 18)).mul(d);
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
}
