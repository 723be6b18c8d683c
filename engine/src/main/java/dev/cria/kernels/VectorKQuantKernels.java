package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import static dev.cria.tensor.PaddedArrays.PAD;
import static dev.cria.kernels.QuantVectors.F;
import static dev.cria.kernels.QuantVectors.I;
import static dev.cria.kernels.QuantVectors.shl;
import static dev.cria.kernels.QuantVectors.shr;
import static dev.cria.kernels.QuantVectors.splat;
import static dev.cria.kernels.QuantVectors.toFloat;
import static dev.cria.kernels.QuantVectors.u8x16;
import static dev.cria.kernels.QuantVectors.x16;
import static dev.cria.kernels.WeightBytes.f16;
import static dev.cria.kernels.WeightBytes.i32;
import static dev.cria.kernels.WeightBytes.i64;
import static dev.cria.kernels.WeightBytes.i8;
import static dev.cria.kernels.WeightBytes.scaleMinK4;
import static dev.cria.kernels.WeightBytes.scaleQ3K;
import static dev.cria.kernels.WeightBytes.u8;
import static jdk.incubator.vector.VectorOperators.LSHR;

/**
 * Vector kernels for the 256-value "K" super-blocks Q2_K, Q3_K, Q4_K, Q5_K, Q6_K (layouts: see
 * {@link ScalarKernels}). A super-block is 8 {@link FloatDot} groups of 32 values; in ggml's layout
 * each group's values 0-15 and 16-31 come from 16 consecutive bytes each, so a group is two 16-lane
 * vectors, one per accumulator.
 *
 * <p>Why these loops look the way they do (C2 boxes every vector, 20-40x slower, when it fails to
 * intrinsify one Vector API call): a bit field is never shifted by a scalar variable count (not
 * intrinsified); it is shifted by a constant, by a constant after each group on a value carried in
 * a register (Q2_K), or by a broadcast count vector (vpsrlvd). And a method holds at most about
 * three weight-load call sites ({@code ByteVector.fromMemorySegment} inlines a large tree, and past
 * C2's inlining node budget the rest of the method is not inlined): Q3_K / Q5_K / Q6_K therefore
 * decode one half-group of 16 values per loop pass, alternating accumulators by swapping them.
 *
 * <p>Exactness: ggml computes {@code dl * q - ml}; here {@code dl * q} is a product of small integers
 * and an f16 scale, exact in float, so {@code fma(q, dl, -ml)} rounds once at the same place and
 * gives the same float. Q6_K's {@code (d * sc) * q} may round, so it is a plain multiply.
 */
final class VectorKQuantKernels {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private VectorKQuantKernels() {
    }

    /** Decoded weights of 16 values: {@code q * dl - ml} (one rounding, as ggml's {@code dl * q - ml}). */
    private static FloatVector affine(IntVector q, FloatVector dl, FloatVector negMl) {
        return toFloat(q).fma(dl, negMl);
    }

    // ---- Q2_K {u8 scales[16]; u8 qs[64]; half d; half dmin} ----
    static final class Q2_KKernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q2_K;
        }

        @Override
        public void dequantize(MemorySegment w, long o, float[] dst, int i, int n) {
            for (int end = i + n; i < end; o += 84) {
                float d = f16(w, o + 80), min = f16(w, o + 82);
                for (int h = 0; h < 2; h++) {
                    IntVector q0 = u8x16(w, o + 16 + 32L * h), q1 = u8x16(w, o + 32 + 32L * h);
                    for (int j = 0; j < 4; j++, i += 32) {
                        int sc1 = u8(w, o + 8 * h + 2 * j), sc2 = u8(w, o + 8 * h + 2 * j + 1);
                        affine(q0.and(3), splat(d * (sc1 & 0xF)), splat(-(min * (sc1 >>> 4)))).intoArray(dst, i);
                        affine(q1.and(3), splat(d * (sc2 & 0xF)), splat(-(min * (sc2 >>> 4)))).intoArray(dst, i + 16);
                        q0 = shr(q0, 2);
                        q1 = shr(q1, 2);
                    }
                }
            }
        }

        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector a = FloatVector.zero(F), b = a;
            for (int end = i + n; i < end; o += 84) {
                float d = f16(w, o + 80), min = f16(w, o + 82);
                for (int h = 0; h < 2; h++) {
                    IntVector q0 = u8x16(w, o + 16 + 32L * h), q1 = u8x16(w, o + 32 + 32L * h);
                    for (int j = 0; j < 4; j++, i += 32) {
                        int sc1 = u8(w, o + 8 * h + 2 * j), sc2 = u8(w, o + 8 * h + 2 * j + 1);
                        a = affine(q0.and(3), splat(d * (sc1 & 0xF)), splat(-(min * (sc1 >>> 4)))).fma(x16(x, i), a);
                        b = affine(q1.and(3), splat(d * (sc2 & 0xF)), splat(-(min * (sc2 >>> 4)))).fma(x16(x, i + 16), b);
                        q0 = shr(q0, 2);
                        q1 = shr(q1, 2);
                    }
                }
            }
            return FloatDot.reduce(a, b);
        }
    }

    // ---- Q3_K {u8 hmask[32]; u8 qs[64]; u8 scales[12]; half d} ----
    // Half-group t (16 values, t = 0..15) of a super-block: sub-block s = t / 2 takes its 2 low bits
    // from qs[32 (s / 4) + 16 (t % 2) + l] >> 2 (s % 4) and its high bit from bit s of
    // hmask[16 (t % 2) + l]; its scale is scale number t.
    /** {@code dl * (low2 - (high ? 0 : 4))} for half-group {@code t} of the super-block at {@code o}. */
    private static FloatVector q3(MemorySegment w, long o, int t, float d) {
        int s = t >>> 1, half = t & 1;
        IntVector low = u8x16(w, o + 32 + 32L * (s >>> 2) + 16 * half).lanewise(LSHR, IntVector.broadcast(I, 2 * (s & 3))).and(3);
        IntVector high = u8x16(w, o + 16 * half).lanewise(LSHR, IntVector.broadcast(I, s)).and(1);
        return toFloat(low.add(shl(high, 2)).sub(4)).mul(splat(d * (scaleQ3K(w, o + 96, t) - 32)));
    }

    static final class Q3_KKernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q3_K;
        }

        @Override
        public void dequantize(MemorySegment w, long o, float[] dst, int i, int n) {
            for (int end = i + n; i < end; o += 110) {
                float d = f16(w, o + 108);
                for (int t = 0; t < 16; t++, i += 16) q3(w, o, t, d).intoArray(dst, i);
            }
        }

        // One half-group per pass (two would exceed what C2 inlines: each weight load is a large
        // call tree), alternating between the two accumulators by swapping them.
        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector acc = FloatVector.zero(F), other = acc;
            for (int end = i + n; i < end; o += 110) {
                float d = f16(w, o + 108);
                for (int t = 0; t < 16; t++, i += 16) {
                    FloatVector next = q3(w, o, t, d).fma(x16(x, i), acc);
                    acc = other;
                    other = next;
                }
            }
            return FloatDot.reduce(acc, other);
        }
    }

    // ---- Q4_K {half d; half dmin; u8 scales[12]; u8 qs[128]} ----
    static final class Q4_KKernel implements WeightKernel, RowRangeKernel, TokenGroupKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q4_K;
        }

        @Override
        public void dequantize(MemorySegment w, long o, float[] dst, int i, int n) {
            for (int end = i + n; i < end; o += 144) {
                float d = f16(w, o), min = f16(w, o + 2);
                long lo = i64(w, o + 4);
                int hi = i32(w, o + 12);
                for (int s = 0; s < 8; s += 2, i += 64) {
                    long q = o + 16 + 16L * s;
                    IntVector q0 = u8x16(w, q), q1 = u8x16(w, q + 16);
                    FloatVector dl = splat(d * scaleMinK4(lo, hi, s, 0)), ml = splat(-(min * scaleMinK4(lo, hi, s, 1)));
                    affine(q0.and(0xF), dl, ml).intoArray(dst, i);
                    affine(q1.and(0xF), dl, ml).intoArray(dst, i + 16);
                    dl = splat(d * scaleMinK4(lo, hi, s + 1, 0));
                    ml = splat(-(min * scaleMinK4(lo, hi, s + 1, 1)));
                    affine(shr(q0, 4), dl, ml).intoArray(dst, i + 32);
                    affine(shr(q1, 4), dl, ml).intoArray(dst, i + 48);
                }
            }
        }

        @Override
        public void dequantizeSplit(MemorySegment w, long o, MemorySegment dst, long a, long b, int n, float[] scratch) {
            for (int i = 0; i < n; i += 256, o += 144) {
                float d = f16(w, o), min = f16(w, o + 2);
                long lo = i64(w, o + 4);
                int hi = i32(w, o + 12);
                for (int s = 0; s < 8; s += 2, a += 128, b += 128) {
                    long q = o + 16 + 16L * s;
                    IntVector q0 = u8x16(w, q), q1 = u8x16(w, q + 16);
                    FloatVector dl = splat(d * scaleMinK4(lo, hi, s, 0)), ml = splat(-(min * scaleMinK4(lo, hi, s, 1)));
                    affine(q0.and(0xF), dl, ml).intoMemorySegment(dst, a, LE);
                    affine(q1.and(0xF), dl, ml).intoMemorySegment(dst, b, LE);
                    dl = splat(d * scaleMinK4(lo, hi, s + 1, 0));
                    ml = splat(-(min * scaleMinK4(lo, hi, s + 1, 1)));
                    affine(shr(q0, 4), dl, ml).intoMemorySegment(dst, a + 64, LE);
                    affine(shr(q1, 4), dl, ml).intoMemorySegment(dst, b + 64, LE);
                }
            }
        }

        // One token: the activations are reordered once per row range (rowOrder) and each row's
        // scales decoded in a pass of their own (RowPrep#q4kScales), so the inner loop reads the weights, the
        // activations and the scales linearly, one 16-byte load per 32 values.
        @Override
        public void dotRows(MemorySegment w, long rowBytes, int from, int to, float[] x, int xOff, int n, float[] out, int outOff) {
            RowPrep s = RowPrep.forThread(n);
            float[] xp = s.input, sc = s.scales;
            rowOrder(x, xOff, xp, n);
            for (int k = 0; k < to - from; k++) {
                int r = MatMul.farApartRow(from, to, k);
                long o = r * rowBytes;
                s.q4kScales(w, o, n / 256);
                out[outOff + r] = dotInRowOrder(w, o, xp, sc, n);
            }
        }

        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            RowPrep s = RowPrep.forThread(n);
            rowOrder(x, i, s.input, n);
            s.q4kScales(w, o, n / 256);
            return dotInRowOrder(w, o, s.input, s.scales, n);
        }

        /**
         * Pass t reads bytes 16t..16t+15 of the row's quants: their low nibbles are values 0-15 (t
         * even) or 16-31 (t odd) of sub-block s = 2(t / 2) % 8, their high nibbles the same values of
         * sub-block s + 1, which {@link #rowOrder} placed at xp[32t ..] and xp[32t + 16 ..]. Both go to
         * the same accumulator, which then swaps with the other: FloatDot's order.
         */
        private static float dotInRowOrder(MemorySegment w, long o, float[] xp, float[] sc, int n) {
            FloatVector a = FloatVector.zero(F), b = a;
            for (int t = 0; t < n / 32; t++) {
                // byte 16t of the quants: 144-byte super-blocks of 8 passes after a 16-byte header
                IntVector q = u8x16(w, o + 16 + 16L * (t + (t >>> 3)));
                FloatVector next = affine(q.and(0xF), splat(sc[PAD + 4 * t]), splat(sc[PAD + 4 * t + 1])).fma(x16(xp, 32 * t), a);
                next = affine(shr(q, 4), splat(sc[PAD + 4 * t + 2]), splat(sc[PAD + 4 * t + 3])).fma(x16(xp, 32 * t + 16), next);
                a = b;
                b = next;
            }
            return FloatDot.reduce(a, b);
        }

        /**
         * As Q4_0's: rows in pairs, tokens four (or two) at a time, each token's activations
         * reordered once per call and each row's scales decoded as for one token.
         */
        @Override
        public void dotRowsGroup(MemorySegment w, long rowBytes, int from, int to, float[] x, int xOff, int tokens, int n, float[] out, int outOff, int outStride) {
            RowPrep s = RowPrep.forThread(n);
            float[] xp = s.groupInput(tokens * n), sc = s.scales, sums = s.sums;
            for (int j = 0; j < tokens; j++) rowOrder(x, xOff + j * n, xp, j * n, n);
            int sc1 = n / 8;
            for (int k = 0, pairs = MatMul.rowPairs(from, to); k < pairs; k++) {
                int r0 = MatMul.pairFirst(from, to, k), r1 = MatMul.pairSecond(from, to, k);
                long o0 = r0 * rowBytes, o1 = r1 * rowBytes;
                s.q4kScales(w, o0, n / 256, 0);
                s.q4kScales(w, o1, n / 256, sc1);
                for (int t = 0; t < tokens; t += 4) {
                    int m = Math.min(4, tokens - t), x0 = t * n;
                    if (m <= 2) dot2x2(w, o0, o1, sc, sc1, xp, x0, m == 2 ? x0 + n : x0, n, sums);
                    else dot2x4(w, o0, o1, sc, sc1, xp, x0, x0 + n, x0 + 2 * n, m == 4 ? x0 + 3 * n : x0, n, sums);
                    s.reduceSums(t, m, out, outOff, outStride, r0, r1);
                }
            }
        }

        /** {@link #dotInRowOrder} of rows {@code o0}, {@code o1} (scales at {@code PAD}, {@code PAD + sc1}) with the tokens at {@code x0}, {@code x1} of {@code xp}: sums as Q4_0's. */
        private static void dot2x2(MemorySegment w, long o0, long o1, float[] sc, int sc1, float[] xp, int x0, int x1, int n, float[] sums) {
            FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, c0 = a0, e0 = a0, c1 = a0, e1 = a0;
            for (int t = 0; t < n / 32; t++) {
                long qo = 16 + 16L * (t + (t >>> 3));
                IntVector q = u8x16(w, o0 + qo), p = u8x16(w, o1 + qo);
                int si = PAD + 4 * t, sj = PAD + sc1 + 4 * t, i = 32 * t;
                FloatVector lo = affine(q.and(0xF), splat(sc[si]), splat(sc[si + 1])), hi = affine(shr(q, 4), splat(sc[si + 2]), splat(sc[si + 3]));
                FloatVector lo1 = affine(p.and(0xF), splat(sc[sj]), splat(sc[sj + 1])), hi1 = affine(shr(p, 4), splat(sc[sj + 2]), splat(sc[sj + 3]));
                FloatVector y = x16(xp, x0 + i), z = x16(xp, x0 + i + 16);
                FloatVector n0 = hi.fma(z, lo.fma(y, a0)), m0 = hi1.fma(z, lo1.fma(y, c0));
                y = x16(xp, x1 + i);
                z = x16(xp, x1 + i + 16);
                FloatVector n1 = hi.fma(z, lo.fma(y, a1)), m1 = hi1.fma(z, lo1.fma(y, c1));
                a0 = b0;
                b0 = n0;
                c0 = e0;
                e0 = m0;
                a1 = b1;
                b1 = n1;
                c1 = e1;
                e1 = m1;
            }
            a0.add(b0).intoArray(sums, PAD);
            a1.add(b1).intoArray(sums, PAD + 16);
            c0.add(e0).intoArray(sums, PAD + 64);
            c1.add(e1).intoArray(sums, PAD + 80);
        }

        /** {@link #dot2x2} for four tokens. */
        private static void dot2x4(MemorySegment w, long o0, long o1, float[] sc, int sc1, float[] xp, int x0, int x1, int x2, int x3, int n, float[] sums) {
            FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
            FloatVector c0 = a0, e0 = a0, c1 = a0, e1 = a0, c2 = a0, e2 = a0, c3 = a0, e3 = a0;
            for (int t = 0; t < n / 32; t++) {
                long qo = 16 + 16L * (t + (t >>> 3));
                IntVector q = u8x16(w, o0 + qo), p = u8x16(w, o1 + qo);
                int si = PAD + 4 * t, sj = PAD + sc1 + 4 * t, i = 32 * t;
                FloatVector lo = affine(q.and(0xF), splat(sc[si]), splat(sc[si + 1])), hi = affine(shr(q, 4), splat(sc[si + 2]), splat(sc[si + 3]));
                FloatVector lo1 = affine(p.and(0xF), splat(sc[sj]), splat(sc[sj + 1])), hi1 = affine(shr(p, 4), splat(sc[sj + 2]), splat(sc[sj + 3]));
                FloatVector y = x16(xp, x0 + i), z = x16(xp, x0 + i + 16);
                FloatVector n0 = hi.fma(z, lo.fma(y, a0)), m0 = hi1.fma(z, lo1.fma(y, c0));
                y = x16(xp, x1 + i);
                z = x16(xp, x1 + i + 16);
                FloatVector n1 = hi.fma(z, lo.fma(y, a1)), m1 = hi1.fma(z, lo1.fma(y, c1));
                y = x16(xp, x2 + i);
                z = x16(xp, x2 + i + 16);
                FloatVector n2 = hi.fma(z, lo.fma(y, a2)), m2 = hi1.fma(z, lo1.fma(y, c2));
                y = x16(xp, x3 + i);
                z = x16(xp, x3 + i + 16);
                FloatVector n3 = hi.fma(z, lo.fma(y, a3)), m3 = hi1.fma(z, lo1.fma(y, c3));
                a0 = b0;
                b0 = n0;
                c0 = e0;
                e0 = m0;
                a1 = b1;
                b1 = n1;
                c1 = e1;
                e1 = m1;
                a2 = b2;
                b2 = n2;
                c2 = e2;
                e2 = m2;
                a3 = b3;
                b3 = n3;
                c3 = e3;
                e3 = m3;
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

        /** Swaps the middle two 16-value quarters of every 64 values: the order {@link #dotInRowOrder} reads. */
        private static void rowOrder(float[] x, int off, float[] xp, int n) {
            rowOrder(x, off, xp, 0, n);
        }

        private static void rowOrder(float[] x, int off, float[] xp, int xpOff, int n) {
            for (int j = 0; j < n; j += 64) {
                x16(x, off + j).intoArray(xp, xpOff + j);
                x16(x, off + j + 32).intoArray(xp, xpOff + j + 16);
                x16(x, off + j + 16).intoArray(xp, xpOff + j + 32);
                x16(x, off + j + 48).intoArray(xp, xpOff + j + 48);
            }
        }
    }

    // ---- Q5_K {half d; half dmin; u8 scales[12]; u8 qh[32]; u8 qs[128]} ----
    // Half-group t (t = 0..15): sub-block s = t / 2 takes nibble s % 2 of qs[32 (s / 2) + 16 (t % 2) + l]
    // and as fifth bit bit s of qh[16 (t % 2) + l].
    /** {@code q * dl - ml} for half-group {@code t} of the super-block at {@code o}; {@code lo}/{@code hi}: its scale bytes. */
    private static FloatVector q5(MemorySegment w, long o, int t, float d, float min, long lo, int hi) {
        int s = t >>> 1, half = t & 1;
        IntVector q = u8x16(w, o + 48 + 32L * (s >>> 1) + 16 * half).lanewise(LSHR, IntVector.broadcast(I, 4 * (s & 1))).and(0xF);
        IntVector h = shl(u8x16(w, o + 16 + 16 * half), 4).lanewise(LSHR, IntVector.broadcast(I, s)).and(0x10);
        return affine(q.or(h), splat(d * scaleMinK4(lo, hi, s, 0)), splat(-(min * scaleMinK4(lo, hi, s, 1))));
    }

    static final class Q5_KKernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q5_K;
        }

        @Override
        public void dequantize(MemorySegment w, long o, float[] dst, int i, int n) {
            for (int end = i + n; i < end; o += 176) {
                float d = f16(w, o), min = f16(w, o + 2);
                long lo = i64(w, o + 4);
                int hi = i32(w, o + 12);
                for (int t = 0; t < 16; t++, i += 16) q5(w, o, t, d, min, lo, hi).intoArray(dst, i);
            }
        }

        // One half-group per pass, swapping the accumulators, as in Q3_K.
        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector acc = FloatVector.zero(F), other = acc;
            for (int end = i + n; i < end; o += 176) {
                float d = f16(w, o), min = f16(w, o + 2);
                long lo = i64(w, o + 4);
                int hi = i32(w, o + 12);
                for (int t = 0; t < 16; t++, i += 16) {
                    FloatVector next = q5(w, o, t, d, min, lo, hi).fma(x16(x, i), acc);
                    acc = other;
                    other = next;
                }
            }
            return FloatDot.reduce(acc, other);
        }
    }

    // ---- Q6_K {u8 ql[128]; u8 qh[64]; i8 scales[16]; half d} ----
    // Half-group t (t = 0..15): group s = t / 2 is group g = s % 4 of half h = s / 4; it takes
    // nibble g / 2 of ql[64h + 32 (g % 2) + 16 (t % 2) + l], bits 2g, 2g + 1 of qh[32h + 16 (t % 2) + l],
    // and scale byte 8h + 2g + t % 2.
    /** {@code (d * sc) * (q - 32)} for half-group {@code t} of the super-block at {@code o}. */
    private static FloatVector q6(MemorySegment w, long o, int t, float d) {
        int s = t >>> 1, half = t & 1, h = s >>> 2, g = s & 3, i = g >>> 1;
        IntVector low = u8x16(w, o + 64L * h + 32 * (g & 1) + 16 * half);
        IntVector high = shl(u8x16(w, o + 128 + 32L * h + 16 * half), 4 - 2 * (g & 1));
        return Q6_KKernel.weights6(low, IntVector.broadcast(I, 0x0F << 4 * i), high, IntVector.broadcast(I, 0x30 << 4 * i),
                IntVector.broadcast(I, i == 0 ? Q6_KKernel.FLOAT_2P23 : Q6_KKernel.FLOAT_2P19), i == 0 ? 8388640f : 524320f,
                d * i8(w, o + 192 + 8L * h + 2 * g + half));
    }

    static final class Q6_KKernel implements WeightKernel, RowRangeKernel, TokenGroupKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q6_K;
        }

        @Override
        public void dequantize(MemorySegment w, long o, float[] dst, int i, int n) {
            for (int end = i + n; i < end; o += 210) {
                float d = f16(w, o + 208);
                for (int t = 0; t < 16; t++, i += 16) q6(w, o, t, d).intoArray(dst, i);
            }
        }

        @Override
        public void dequantizeSplit(MemorySegment w, long o, MemorySegment dst, long a, long b, int n, float[] scratch) {
            for (int i = 0; i < n; i += 256, o += 210, a += 512, b += 512) {
                float d = f16(w, o + 208);
                // 16 values at a time, alternately to the two halves: one q6 call site
                for (int t = 0; t < 16; t++) q6(w, o, t, d).intoMemorySegment(dst, ((t & 1) == 0 ? a : b) + 64L * (t >> 1), LE);
            }
        }

        // One token, as for Q4_K: activations reordered once per row range; then per super-block its
        // scales (RowPrep#q6kScales) and one pass per 64 values with three 16-byte loads.
        @Override
        public void dotRows(MemorySegment w, long rowBytes, int from, int to, float[] x, int xOff, int n, float[] out, int outOff) {
            RowPrep s = RowPrep.forThread(n);
            rowOrder(x, xOff, s.input, n);
            for (int k = 0; k < to - from; k++) {
                int r = MatMul.farApartRow(from, to, k);
                out[outOff + r] = dotInRowOrder(w, r * rowBytes, s, n);
            }
        }

        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            RowPrep s = RowPrep.forThread(n);
            rowOrder(x, i, s.input, n);
            return dotInRowOrder(w, o, s, n);
        }

        /**
         * Pass p = 2h + c of a super-block reads ql[64h + 16c ..], ql[64h + 32 + 16c ..] and
         * qh[32h + 16c ..] (16 bytes each) and decodes values 16c..16c+15 of its half's four groups
         * g = 0..3 (ggml's q1..q4), which {@link #rowOrder} placed at xp[64p + 16g ..]. They all go to
         * accumulator c, in group order, and the accumulators swap after each pass: FloatDot's order.
         *
         * <p>Each super-block's scales are decoded just before its passes, not for the whole row
         * first: a first pass reading only the scales (18 bytes of every 210) waits on DRAM for each
         * of them, while here they share cache lines the passes read anyway. From DRAM, one thread:
         * 18.5-19.2 -> 13.6-14.3 cycles per 32 weights; in L2 the same 10.2-11.5.
         *
         * <p>The 6-bit values are assembled in the mantissa of a float ({@link #weights6}): per pass
         * three widening loads, two shifts and eight vpternlogd instead of about twenty shifts, masks,
         * ORs, subtracts and conversions. In L2, one thread: 9.5-9.8 -> 7.8-9.6 cycles per 32 weights;
         * from DRAM 11.6-12.7, within noise of before (the misses, not the ops, set that figure).
         */
        private static float dotInRowOrder(MemorySegment w, long o, RowPrep s, int n) {
            float[] xp = s.input, sc = s.scales;
            FloatVector acc = FloatVector.zero(F), other = acc;
            for (int k = 0; k < n / 256; k++, o += 210) {
                s.q6kScales(w, o);
                for (int q = 0; q < 4; q++) {
                    int h = q >>> 1, xi = 256 * k + 64 * q, si = PAD + 4 * q;
                    long base = o + 16 * (q & 1) + 64 * h;
                    IntVector qh = u8x16(w, base + 128 - 32 * h), h4 = shl(qh, 4), h2 = shl(qh, 2);
                    IntVector l0 = u8x16(w, base), l1 = u8x16(w, base + 32);
                    FloatVector next = acc;
                    // groups 2i, 2i + 1: nibble i of l0, l1 and bits 4i, 4i + 1 / 4i + 2, 4i + 3 of qh. One
                    // body for both nibbles, which C2 parses once and unrolls (masks and biases constant then).
                    // The masks are made here, once for both calls: made inside weights6 (as q6 does, one
                    // call per 16 values) this loop measured 10.6-10.9 in L2 and 31 from DRAM.
                    for (int i = 0; i < 2; i++) {
                        IntVector lowMask = IntVector.broadcast(I, 0x0F << 4 * i), highMask = IntVector.broadcast(I, 0x30 << 4 * i);
                        IntVector magic = IntVector.broadcast(I, i == 0 ? FLOAT_2P23 : FLOAT_2P19);
                        float bias = i == 0 ? 8388640f : 524320f;
                        next = weights6(l0, lowMask, h4, highMask, magic, bias, sc[si + 2 * i]).fma(x16(xp, xi + 32 * i), next);
                        next = weights6(l1, lowMask, h2, highMask, magic, bias, sc[si + 2 * i + 1]).fma(x16(xp, xi + 32 * i + 16), next);
                    }
                    acc = other;
                    other = next;
                }
            }
            return FloatDot.reduce(acc, other);
        }

        /**
         * Rows one at a time (in the one-token order), tokens two at a time: each pass's four weight
         * vectors are decoded once for both tokens. Three or four tokens take a second pass over the
         * row (then in L1), decoding it again.
         */
        @Override
        public void dotRowsGroup(MemorySegment w, long rowBytes, int from, int to, float[] x, int xOff, int tokens, int n, float[] out, int outOff, int outStride) {
            RowPrep s = RowPrep.forThread(n);
            float[] xp = s.groupInput(tokens * n), sums = s.sums;
            for (int j = 0; j < tokens; j++) rowOrder(x, xOff + j * n, xp, j * n, n);
            for (int k = 0; k < to - from; k++) {
                int r = MatMul.farApartRow(from, to, k);
                for (int t = 0; t < tokens; t += 2) {
                    // an odd last token pairs with itself (its twin's sums are dropped)
                    dot1x2(w, r * rowBytes, s, xp, t * n, t + 1 < tokens ? (t + 1) * n : t * n, n, sums);
                    out[outOff + t * outStride + r] = FloatDot.reduce(sums, PAD);
                    if (t + 1 < tokens) out[outOff + (t + 1) * outStride + r] = FloatDot.reduce(sums, PAD + 16);
                }
            }
        }

        /** {@link #dotInRowOrder} of the row at {@code o} with the tokens at {@code x0}, {@code x1} of {@code xp}: sums at 0 and 16. */
        private static void dot1x2(MemorySegment w, long o, RowPrep s, float[] xp, int x0, int x1, int n, float[] sums) {
            float[] sc = s.scales;
            FloatVector acc = FloatVector.zero(F), other = acc, acc1 = acc, other1 = acc;
            for (int k = 0; k < n / 256; k++, o += 210) {
                s.q6kScales(w, o);
                for (int q = 0; q < 4; q++) {
                    int h = q >>> 1, xi = 256 * k + 64 * q, si = PAD + 4 * q;
                    long base = o + 16 * (q & 1) + 64 * h;
                    IntVector qh = u8x16(w, base + 128 - 32 * h), h4 = shl(qh, 4), h2 = shl(qh, 2);
                    IntVector l0 = u8x16(w, base), l1 = u8x16(w, base + 32);
                    FloatVector next = acc, next1 = acc1;
                    for (int i = 0; i < 2; i++) {
                        IntVector lowMask = IntVector.broadcast(I, 0x0F << 4 * i), highMask = IntVector.broadcast(I, 0x30 << 4 * i);
                        IntVector magic = IntVector.broadcast(I, i == 0 ? FLOAT_2P23 : FLOAT_2P19);
                        float bias = i == 0 ? 8388640f : 524320f;
                        int xa = xi + 32 * i;
                        FloatVector v = weights6(l0, lowMask, h4, highMask, magic, bias, sc[si + 2 * i]);
                        next = v.fma(x16(xp, x0 + xa), next);
                        next1 = v.fma(x16(xp, x1 + xa), next1);
                        v = weights6(l1, lowMask, h2, highMask, magic, bias, sc[si + 2 * i + 1]);
                        next = v.fma(x16(xp, x0 + xa + 16), next);
                        next1 = v.fma(x16(xp, x1 + xa + 16), next1);
                    }
                    acc = other;
                    other = next;
                    acc1 = other1;
                    other1 = next1;
                }
            }
            acc.add(other).intoArray(sums, PAD);
            acc1.add(other1).intoArray(sums, PAD + 16);
        }

        /** The bits of the floats 2^23 and 2^19, whose last mantissa bit is worth 1 and 1/16. */
        private static final int FLOAT_2P23 = 0x4B000000, FLOAT_2P19 = 0x49000000;

        /**
         * {@code (d * sc) * (q - 32)} for the 6-bit q whose low 4 bits are {@code low & lowMask} and
         * high 2 bits {@code high & highMask}, both already in place as bits 0-5 of the mantissa of
         * 2^23 (masks 0x0F, 0x30) or bits 4-9 of the mantissa of 2^19 (masks 0xF0, 0x300). OR-ed into
         * that float's bits they give the float 2^23 + q (or 2^19 + q), and subtracting 2^23 + 32
         * (2^19 + 32) is exact: the same float as converting q - 32, with two ternary-logic ops and a
         * subtract instead of shifts, masks, ORs, an integer subtract and a conversion.
         */
        private static FloatVector weights6(IntVector low, IntVector lowMask, IntVector high, IntVector highMask, IntVector magic, float bias, float scale) {
            IntVector bits = high.and(highMask).or(low.and(lowMask).or(magic)); // two vpternlogd: 3 inputs each
            return ((FloatVector) bits.reinterpretAsFloats()).sub(bias).mul(splat(scale));
        }

        /** Per 128 values (a half of a super-block): [g0 0-15, g1 0-15, g2 0-15, g3 0-15, g0 16-31, ...], g = 32-value group. */
        private static void rowOrder(float[] x, int off, float[] xp, int n) {
            rowOrder(x, off, xp, 0, n);
        }

        private static void rowOrder(float[] x, int off, float[] xp, int xpOff, int n) {
            for (int j = 0; j < n; j += 128) {
                for (int c = 0; c < 2; c++) {
                    for (int g = 0; g < 4; g++) x16(x, off + j + 32 * g + 16 * c).intoArray(xp, xpOff + j + 64 * c + 16 * g);
                }
            }
        }
    }
}
