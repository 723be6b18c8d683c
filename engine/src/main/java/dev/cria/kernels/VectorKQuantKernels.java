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

        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int end = i + n; i < end; o += 144) {
                float d = f16(w, o), min = f16(w, o + 2);
                for (int j = 0; j < 4; j++, i += 64) {
                    FloatVector d1 = splat(d * scaleMinK4(w, o + 4, 2 * j, 0)), m1 = splat(min * scaleMinK4(w, o + 4, 2 * j, 1));
                    FloatVector d2 = splat(d * scaleMinK4(w, o + 4, 2 * j + 1, 0)), m2 = splat(min * scaleMinK4(w, o + 4, 2 * j + 1, 1));
                    long q = o + 16 + 32L * j;
                    IntVector b0 = u8x8(w, q), b1 = u8x8(w, q + 8), b2 = u8x8(w, q + 16), b3 = u8x8(w, q + 24);
                    a0 = nibble(b0.and(0xF), d1, m1).fma(x8(x, i), a0);
                    a1 = nibble(b1.and(0xF), d1, m1).fma(x8(x, i + 8), a1);
                    a2 = nibble(b2.and(0xF), d1, m1).fma(x8(x, i + 16), a2);
                    a3 = nibble(b3.and(0xF), d1, m1).fma(x8(x, i + 24), a3);
                    a0 = nibble(shr(b0, 4), d2, m2).fma(x8(x, i + 32), a0);
                    a1 = nibble(shr(b1, 4), d2, m2).fma(x8(x, i + 40), a1);
                    a2 = nibble(shr(b2, 4), d2, m2).fma(x8(x, i + 48), a2);
                    a3 = nibble(shr(b3, 4), d2, m2).fma(x8(x, i + 56), a3);
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

        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int end = i + n; i < end; o += 176) {
                float d = f16(w, o), min = f16(w, o + 2);
                for (int j = 0; j < 4; j++, i += 64) {
                    FloatVector d1 = splat(d * scaleMinK4(w, o + 4, 2 * j, 0)), m1 = splat(min * scaleMinK4(w, o + 4, 2 * j, 1));
                    FloatVector d2 = splat(d * scaleMinK4(w, o + 4, 2 * j + 1, 0)), m2 = splat(min * scaleMinK4(w, o + 4, 2 * j + 1, 1));
                    long q = o + 48 + 32L * j;
                    int lo = 2 * j, hi = 2 * j + 1;
                    IntVector b0 = u8x8(w, q), b1 = u8x8(w, q + 8), b2 = u8x8(w, q + 16), b3 = u8x8(w, q + 24);
                    IntVector h0 = shl(u8x8(w, o + 16), 4), h1 = shl(u8x8(w, o + 24), 4);
                    IntVector h2 = shl(u8x8(w, o + 32), 4), h3 = shl(u8x8(w, o + 40), 4);
                    a0 = nibble(q5(b0.and(0xF), h0, lo), d1, m1).fma(x8(x, i), a0);
                    a1 = nibble(q5(b1.and(0xF), h1, lo), d1, m1).fma(x8(x, i + 8), a1);
                    a2 = nibble(q5(b2.and(0xF), h2, lo), d1, m1).fma(x8(x, i + 16), a2);
                    a3 = nibble(q5(b3.and(0xF), h3, lo), d1, m1).fma(x8(x, i + 24), a3);
                    a0 = nibble(q5(shr(b0, 4), h0, hi), d2, m2).fma(x8(x, i + 32), a0);
                    a1 = nibble(q5(shr(b1, 4), h1, hi), d2, m2).fma(x8(x, i + 40), a1);
                    a2 = nibble(q5(shr(b2, 4), h2, hi), d2, m2).fma(x8(x, i + 48), a2);
                    a3 = nibble(q5(shr(b3, 4), h3, hi), d2, m2).fma(x8(x, i + 56), a3);
                }
            }
            return FloatDot.reduce(a0, a1, a2, a3);
        }
    }

    // ---- Q6_K {u8 ql[128]; u8 qh[64]; i8 scales[16]; half d} ----
    /**
     * Accumulates the 4 x 8 values fed by ql bytes {@code ql+k}, {@code ql+32+k} and qh bytes
     * {@code qh+k} (values k, 32+k, 64+k, 96+k of a 128-half, in that order) into {@code acc}.
     */
    private static FloatVector q6Dot(MemorySegment w, long ql, long qh, int k, float s1, float s2, float s3, float s4,
                                     float[] x, int i, FloatVector acc) {
        IntVector a = u8x8(w, ql + k), b = u8x8(w, ql + 32 + k), h = u8x8(w, qh + k);
        acc = toFloat(a.and(0xF).or(shl(h, 4).and(0x30)).sub(32)).mul(s1).fma(x8(x, i + k), acc);
        acc = toFloat(b.and(0xF).or(shl(h, 2).and(0x30)).sub(32)).mul(s2).fma(x8(x, i + 32 + k), acc);
        acc = toFloat(shr(a, 4).or(h.and(0x30)).sub(32)).mul(s3).fma(x8(x, i + 64 + k), acc);
        return toFloat(shr(b, 4).or(shr(h, 2).and(0x30)).sub(32)).mul(s4).fma(x8(x, i + 96 + k), acc);
    }

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

        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int end = i + n; i < end; o += 210) {
                float d = f16(w, o + 208);
                for (int h = 0; h < 2; h++, i += 128) {
                    long ql = o + 64L * h, qh = o + 128 + 32L * h, sc = o + 192 + 8L * h;
                    float s1 = d * i8(w, sc), s2 = d * i8(w, sc + 2), s3 = d * i8(w, sc + 4), s4 = d * i8(w, sc + 6);
                    a0 = q6Dot(w, ql, qh, 0, s1, s2, s3, s4, x, i, a0);
                    a1 = q6Dot(w, ql, qh, 8, s1, s2, s3, s4, x, i, a1);
                    s1 = d * i8(w, sc + 1);
                    s2 = d * i8(w, sc + 3);
                    s3 = d * i8(w, sc + 5);
                    s4 = d * i8(w, sc + 7);
                    a2 = q6Dot(w, ql, qh, 16, s1, s2, s3, s4, x, i, a2);
                    a3 = q6Dot(w, ql, qh, 24, s1, s2, s3, s4, x, i, a3);
                }
            }
            return FloatDot.reduce(a0, a1, a2, a3);
        }
    }
}
