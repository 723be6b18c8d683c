package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;

import java.lang.foreign.MemorySegment;

import static dev.cria.kernels.QuantVectors.F;
import static dev.cria.kernels.QuantVectors.shl;
import static dev.cria.kernels.QuantVectors.shr;
import static dev.cria.kernels.QuantVectors.splat;
import static dev.cria.kernels.QuantVectors.toFloat;
import static dev.cria.kernels.QuantVectors.u8x8;
import static dev.cria.kernels.QuantVectors.x8;
import static dev.cria.kernels.WeightBytes.f16;
import static dev.cria.kernels.WeightBytes.i32;
import static dev.cria.kernels.WeightBytes.i64;
import static dev.cria.kernels.WeightBytes.i8;
import static dev.cria.kernels.WeightBytes.scaleMinK4;
import static dev.cria.kernels.WeightBytes.scaleQ3K;
import static dev.cria.kernels.WeightBytes.u8;

/**
 * Vector kernels for the 256-value "K" super-blocks Q2_K, Q3_K, Q4_K, Q5_K, Q6_K (layouts: see
 * {@link ScalarKernels}). A super-block is 8 {@link FloatDot} groups; within a group, value
 * {@code 8k..8k+7} goes to accumulator {@code k}, and each helper below decodes the 8 values of one
 * accumulator with ggml's float operations ({@code dl * q - ml}, {@code (d * sc) * q}) in increasing
 * value order, so dequantize-then-dot gives the same bits as the fused dot.
 */
final class VectorKQuantKernels {
    private VectorKQuantKernels() {
    }

    // ---- Q2_K {u8 scales[16]; u8 qs[64]; half d; half dmin} ----
    private static FloatVector q2(MemorySegment w, long q, int shift, FloatVector dl, FloatVector ml) {
        return toFloat(shr(u8x8(w, q), shift).and(3)).mul(dl).sub(ml);
    }

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
                    long q = o + 16 + 32L * h;
                    for (int j = 0; j < 4; j++, i += 32) {
                        int sc1 = u8(w, o + 8 * h + 2 * j), sc2 = u8(w, o + 8 * h + 2 * j + 1);
                        FloatVector d1 = splat(d * (sc1 & 0xF)), m1 = splat(min * (sc1 >>> 4));
                        FloatVector d2 = splat(d * (sc2 & 0xF)), m2 = splat(min * (sc2 >>> 4));
                        q2(w, q, 2 * j, d1, m1).intoArray(dst, i);
                        q2(w, q + 8, 2 * j, d1, m1).intoArray(dst, i + 8);
                        q2(w, q + 16, 2 * j, d2, m2).intoArray(dst, i + 16);
                        q2(w, q + 24, 2 * j, d2, m2).intoArray(dst, i + 24);
                    }
                }
            }
        }

        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int end = i + n; i < end; o += 84) {
                float d = f16(w, o + 80), min = f16(w, o + 82);
                for (int h = 0; h < 2; h++) {
                    long q = o + 16 + 32L * h;
                    for (int j = 0; j < 4; j++, i += 32) {
                        int sc1 = u8(w, o + 8 * h + 2 * j), sc2 = u8(w, o + 8 * h + 2 * j + 1);
                        FloatVector d1 = splat(d * (sc1 & 0xF)), m1 = splat(min * (sc1 >>> 4));
                        FloatVector d2 = splat(d * (sc2 & 0xF)), m2 = splat(min * (sc2 >>> 4));
                        a0 = q2(w, q, 2 * j, d1, m1).fma(x8(x, i), a0);
                        a1 = q2(w, q + 8, 2 * j, d1, m1).fma(x8(x, i + 8), a1);
                        a2 = q2(w, q + 16, 2 * j, d2, m2).fma(x8(x, i + 16), a2);
                        a3 = q2(w, q + 24, 2 * j, d2, m2).fma(x8(x, i + 24), a3);
                    }
                }
            }
            return FloatDot.reduce(a0, a1, a2, a3);
        }
    }

    // ---- Q3_K {u8 hmask[32]; u8 qs[64]; u8 scales[12]; half d} ----
    /** {@code dl * (low2 - (high ? 0 : 4))} for the 8 values at qs byte {@code q}, hmask byte {@code hm}. */
    private static FloatVector q3(MemorySegment w, long q, long hm, int shift, int bit, FloatVector dl) {
        IntVector low = shr(u8x8(w, q), shift).and(3);
        IntVector high = shr(u8x8(w, hm), bit).and(1);
        return toFloat(low.add(shl(high, 2)).sub(4)).mul(dl);
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
                for (int h = 0; h < 2; h++) {
                    long q = o + 32 + 32L * h;
                    for (int j = 0; j < 4; j++, i += 32) {
                        int bit = 4 * h + j;
                        FloatVector d1 = splat(d * (scaleQ3K(w, o + 96, 8 * h + 2 * j) - 32));
                        FloatVector d2 = splat(d * (scaleQ3K(w, o + 96, 8 * h + 2 * j + 1) - 32));
                        q3(w, q, o, 2 * j, bit, d1).intoArray(dst, i);
                        q3(w, q + 8, o + 8, 2 * j, bit, d1).intoArray(dst, i + 8);
                        q3(w, q + 16, o + 16, 2 * j, bit, d2).intoArray(dst, i + 16);
                        q3(w, q + 24, o + 24, 2 * j, bit, d2).intoArray(dst, i + 24);
                    }
                }
            }
        }

        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int end = i + n; i < end; o += 110) {
                float d = f16(w, o + 108);
                for (int h = 0; h < 2; h++) {
                    long q = o + 32 + 32L * h;
                    for (int j = 0; j < 4; j++, i += 32) {
                        int bit = 4 * h + j;
                        FloatVector d1 = splat(d * (scaleQ3K(w, o + 96, 8 * h + 2 * j) - 32));
                        FloatVector d2 = splat(d * (scaleQ3K(w, o + 96, 8 * h + 2 * j + 1) - 32));
                        a0 = q3(w, q, o, 2 * j, bit, d1).fma(x8(x, i), a0);
                        a1 = q3(w, q + 8, o + 8, 2 * j, bit, d1).fma(x8(x, i + 8), a1);
                        a2 = q3(w, q + 16, o + 16, 2 * j, bit, d2).fma(x8(x, i + 16), a2);
                        a3 = q3(w, q + 24, o + 24, 2 * j, bit, d2).fma(x8(x, i + 24), a3);
                    }
                }
            }
            return FloatDot.reduce(a0, a1, a2, a3);
        }
    }

    // ---- Q4_K {half d; half dmin; u8 scales[12]; u8 qs[128]} ----
    private static FloatVector nibble(IntVector q, FloatVector d, FloatVector m) {
        return toFloat(q).mul(d).sub(m);
    }

    static final class Q4_KKernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q4_K;
        }

        @Override
        public void dequantize(MemorySegment w, long o, float[] dst, int i, int n) {
            for (int end = i + n; i < end; o += 144) {
                float d = f16(w, o), min = f16(w, o + 2);
                for (int j = 0; j < 4; j++, i += 64) {
                    FloatVector d1 = splat(d * scaleMinK4(w, o + 4, 2 * j, 0)), m1 = splat(min * scaleMinK4(w, o + 4, 2 * j, 1));
                    FloatVector d2 = splat(d * scaleMinK4(w, o + 4, 2 * j + 1, 0)), m2 = splat(min * scaleMinK4(w, o + 4, 2 * j + 1, 1));
                    long q = o + 16 + 32L * j;
                    for (int k = 0; k < 32; k += 8) {
                        IntVector b = u8x8(w, q + k);
                        nibble(b.and(0xF), d1, m1).intoArray(dst, i + k);
                        nibble(shr(b, 4), d2, m2).intoArray(dst, i + 32 + k);
                    }
                }
            }
        }

        // One sub-block of 32 values per pass (low nibbles of 32 bytes, then their high nibbles):
        // a bigger unrolled body exceeds C2's NodeCountInliningCutoff and the vectors get boxed.
        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int end = i + n; i < end; o += 144) {
                float d = f16(w, o), min = f16(w, o + 2);
                long lo = i64(w, o + 4);
                int hi = i32(w, o + 12);
                for (int s = 0; s < 8; s += 2, i += 64) {
                    long q = o + 16 + 16L * s;
                    FloatVector dv = splat(d * scaleMinK4(lo, hi, s, 0)), mv = splat(min * scaleMinK4(lo, hi, s, 1));
                    IntVector b0 = u8x8(w, q), b1 = u8x8(w, q + 8), b2 = u8x8(w, q + 16), b3 = u8x8(w, q + 24);
                    a0 = nibble(b0.and(0xF), dv, mv).fma(x8(x, i), a0);
                    a1 = nibble(b1.and(0xF), dv, mv).fma(x8(x, i + 8), a1);
                    a2 = nibble(b2.and(0xF), dv, mv).fma(x8(x, i + 16), a2);
                    a3 = nibble(b3.and(0xF), dv, mv).fma(x8(x, i + 24), a3);
                    dv = splat(d * scaleMinK4(lo, hi, s + 1, 0));
                    mv = splat(min * scaleMinK4(lo, hi, s + 1, 1));
                    a0 = nibble(shr(b0, 4), dv, mv).fma(x8(x, i + 32), a0);
                    a1 = nibble(shr(b1, 4), dv, mv).fma(x8(x, i + 40), a1);
                    a2 = nibble(shr(b2, 4), dv, mv).fma(x8(x, i + 48), a2);
                    a3 = nibble(shr(b3, 4), dv, mv).fma(x8(x, i + 56), a3);
                }
            }
            return FloatDot.reduce(a0, a1, a2, a3);
        }
    }

    // ---- Q5_K {half d; half dmin; u8 scales[12]; u8 qh[32]; u8 qs[128]} ----
    /** Value bit 4 from bit {@code bit} of the qh bytes, already shifted left by 4 in {@code qh4}. */
    private static IntVector q5(IntVector nib, IntVector qh4, int bit) {
        return nib.or(shr(qh4, bit).and(0x10));
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
                for (int j = 0; j < 4; j++, i += 64) {
                    FloatVector d1 = splat(d * scaleMinK4(w, o + 4, 2 * j, 0)), m1 = splat(min * scaleMinK4(w, o + 4, 2 * j, 1));
                    FloatVector d2 = splat(d * scaleMinK4(w, o + 4, 2 * j + 1, 0)), m2 = splat(min * scaleMinK4(w, o + 4, 2 * j + 1, 1));
                    long q = o + 48 + 32L * j;
                    for (int k = 0; k < 32; k += 8) {
                        IntVector b = u8x8(w, q + k);
                        IntVector h4 = shl(u8x8(w, o + 16 + k), 4);
                        nibble(q5(b.and(0xF), h4, 2 * j), d1, m1).intoArray(dst, i + k);
                        nibble(q5(shr(b, 4), h4, 2 * j + 1), d2, m2).intoArray(dst, i + 32 + k);
                    }
                }
            }
        }

        // One sub-block of 32 values per pass, as in Q4_K (C2's inlining node budget).
        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int end = i + n; i < end; o += 176) {
                float d = f16(w, o), min = f16(w, o + 2);
                for (int s = 0; s < 8; s++, i += 32) {
                    FloatVector dv = splat(d * scaleMinK4(w, o + 4, s, 0)), mv = splat(min * scaleMinK4(w, o + 4, s, 1));
                    long q = o + 48 + 32L * (s >>> 1);
                    int shift = 4 * (s & 1);
                    a0 = nibble(q5(shr(u8x8(w, q), shift).and(0xF), shl(u8x8(w, o + 16), 4), s), dv, mv).fma(x8(x, i), a0);
                    a1 = nibble(q5(shr(u8x8(w, q + 8), shift).and(0xF), shl(u8x8(w, o + 24), 4), s), dv, mv).fma(x8(x, i + 8), a1);
                    a2 = nibble(q5(shr(u8x8(w, q + 16), shift).and(0xF), shl(u8x8(w, o + 32), 4), s), dv, mv).fma(x8(x, i + 16), a2);
                    a3 = nibble(q5(shr(u8x8(w, q + 24), shift).and(0xF), shl(u8x8(w, o + 40), 4), s), dv, mv).fma(x8(x, i + 24), a3);
                }
            }
            return FloatDot.reduce(a0, a1, a2, a3);
        }
    }

    // ---- Q6_K {u8 ql[128]; u8 qh[64]; i8 scales[16]; half d} ----
    private static void q6Decode(MemorySegment w, long ql, long qh, int k, float s1, float s2, float s3, float s4,
                                 float[] dst, int i) {
        IntVector a = u8x8(w, ql + k), b = u8x8(w, ql + 32 + k), h = u8x8(w, qh + k);
        toFloat(a.and(0xF).or(shl(h, 4).and(0x30)).sub(32)).mul(s1).intoArray(dst, i + k);
        toFloat(b.and(0xF).or(shl(h, 2).and(0x30)).sub(32)).mul(s2).intoArray(dst, i + 32 + k);
        toFloat(shr(a, 4).or(h.and(0x30)).sub(32)).mul(s3).intoArray(dst, i + 64 + k);
        toFloat(shr(b, 4).or(shr(h, 2).and(0x30)).sub(32)).mul(s4).intoArray(dst, i + 96 + k);
    }

    static final class Q6_KKernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q6_K;
        }

        @Override
        public void dequantize(MemorySegment w, long o, float[] dst, int i, int n) {
            for (int end = i + n; i < end; o += 210) {
                float d = f16(w, o + 208);
                for (int h = 0; h < 2; h++, i += 128) {
                    long ql = o + 64L * h, qh = o + 128 + 32L * h, sc = o + 192 + 8L * h;
                    for (int is = 0; is < 2; is++) {
                        float s1 = d * i8(w, sc + is), s2 = d * i8(w, sc + is + 2);
                        float s3 = d * i8(w, sc + is + 4), s4 = d * i8(w, sc + is + 6);
                        q6Decode(w, ql, qh, 16 * is, s1, s2, s3, s4, dst, i);
                        q6Decode(w, ql, qh, 16 * is + 8, s1, s2, s3, s4, dst, i);
                    }
                }
            }
        }

        // One group of 32 values per pass: group s = 4h + g of the super-block takes its low 4 bits
        // from ql[64h + 32(g & 1) + l] (low nibble for g < 2, high for g >= 2) and bits 4-5 from
        // qh[32h + l] >> 2g; values l < 16 use scale 8h + 2g, l >= 16 scale 8h + 2g + 1.
        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int end = i + n; i < end; o += 210) {
                float d = f16(w, o + 208);
                for (int s = 0; s < 8; s++, i += 32) {
                    int h = s >>> 2, g = s & 3;
                    long ql = o + 64L * h + 32 * (g & 1), qh = o + 128 + 32L * h;
                    int nib = 4 * (g >>> 1), hs = 2 * g;
                    long sc = o + 192 + 8L * h + 2 * g;
                    FloatVector s1 = splat(d * i8(w, sc)), s2 = splat(d * i8(w, sc + 1));
                    a0 = q6(w, ql, qh, nib, hs, s1).fma(x8(x, i), a0);
                    a1 = q6(w, ql + 8, qh + 8, nib, hs, s1).fma(x8(x, i + 8), a1);
                    a2 = q6(w, ql + 16, qh + 16, nib, hs, s2).fma(x8(x, i + 16), a2);
                    a3 = q6(w, ql + 24, qh + 24, nib, hs, s2).fma(x8(x, i + 24), a3);
                }
            }
            return FloatDot.reduce(a0, a1, a2, a3);
        }
    }

    /** {@code (d * sc) * (q - 32)} for 8 Q6_K values: 4 bits at {@code nib} of ql, 2 bits at {@code hs} of qh. */
    private static FloatVector q6(MemorySegment w, long ql, long qh, int nib, int hs, FloatVector scale) {
        IntVector low = shr(u8x8(w, ql), nib).and(0xF);
        IntVector high = shl(shr(u8x8(w, qh), hs).and(3), 4);
        return toFloat(low.or(high).sub(32)).mul(scale);
    }
}
