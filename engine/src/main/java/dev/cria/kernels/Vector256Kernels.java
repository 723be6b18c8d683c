package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import dev.cria.tensor.PaddedArrays;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static dev.cria.kernels.WeightBytes.f16;
import static dev.cria.kernels.WeightBytes.i32;
import static dev.cria.kernels.WeightBytes.i64;
import static dev.cria.kernels.WeightBytes.i8;
import static dev.cria.kernels.WeightBytes.scaleMinK4;
import static dev.cria.tensor.PaddedArrays.PAD;

/**
 * The kernels for CPUs whose widest vectors are 256 bits (AVX2 without AVX-512). C2 compiles no
 * 512-bit Vector API operation there, so the 16-lane kernels of the other classes would run as Java
 * loops (measured: 1B Q4_0 generation 0.15 tokens/s with {@code -XX:UseAVX=2}).
 *
 * <p>One shape for every type: a row is decoded to floats by a per-type decoder in 8-lane vectors
 * (the same floats as ggml's dequantize_row_*, as the scalar reference), into a per-thread scratch
 * that stays in L1, and multiplied by {@link FloatDot256}, which sums in {@link FloatDot}'s order. So
 * every (row, token) result has the same bits as on an AVX-512 machine, and a token's result does
 * not depend on its batch. Decoders take 8 weights per vector: 8 bytes widened to 8 ints
 * ({@code vpmovzxbd} / {@code vpmovsxbd}), constant shifts (Q5_K's fifth bits: a broadcast count
 * vector) and masks, one conversion, one multiply or fused multiply-add (exact, as argued in {@link VectorQ32Kernels} and
 * {@link VectorKQuantKernels}). The rare types (Q4_1, Q5_0, Q5_1, Q2_K, Q3_K) use the scalar
 * reference's decoder.
 *
 * <p>Decode-then-dot writes and rereads each row once through L1: simpler than the fused loops of
 * the 512-bit kernels, and no vector crosses a method boundary, so C2 never boxes one. Q4_0 and Q8_0
 * fuse the decode into the dot (their loops are small enough for C2's inlining budget): 5.4 -> 3.4
 * and 4.5 -> 3.3 ns per 32 weights on one thread. A fused Q4_K was not faster than decode-then-dot.
 */
final class Vector256Kernels {
    private static final VectorSpecies<Float> F8 = FloatDot256.F8;
    private static final VectorSpecies<Integer> I8 = IntVector.SPECIES_256;
    private static final VectorSpecies<Byte> B64 = ByteVector.SPECIES_64;
    private static final VectorSpecies<Short> S128 = ShortVector.SPECIES_128;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ThreadLocal<float[][]> ROW = ThreadLocal.withInitial(() -> new float[][]{PaddedArrays.floats(0)});

    private Vector256Kernels() {
    }

    static WeightKernel of(GgmlType type) {
        return switch (type) {
            case Q4_0 -> new Q4_0Kernel();
            case Q8_0 -> new Q8_0Kernel();
            case F32 -> new DecodedRowKernel(type, Vector256Kernels::f32);
            case F16 -> new DecodedRowKernel(type, Vector256Kernels::f16Row);
            case BF16 -> new DecodedRowKernel(type, Vector256Kernels::bf16Row);
            case Q4_K -> new DecodedRowKernel(type, Vector256Kernels::q4_K);
            case Q5_K -> new DecodedRowKernel(type, Vector256Kernels::q5_K);
            case Q6_K -> new DecodedRowKernel(type, Vector256Kernels::q6_K);
            case Q4_1, Q5_0, Q5_1, Q2_K, Q3_K -> new DecodedRowKernel(type, ScalarKernels.of(type)::dequantize);
        };
    }

    /** {@code n} values of a row from byte {@code o}, decoded into {@code dst[i ..]}. */
    @FunctionalInterface
    interface RowDecoder {
        void decode(MemorySegment w, long o, float[] dst, int i, int n);
    }

    /** A row decoded into this thread's scratch (from {@code PAD} on), then {@link FloatDot256#dot}. */
    record DecodedRowKernel(GgmlType type, RowDecoder decoder) implements WeightKernel {
        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int n) {
            decoder.decode(w, offset, dst, dstOff, n);
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
            float[][] holder = ROW.get();
            float[] row = holder[0] = PaddedArrays.atLeast(holder[0], n);
            decoder.decode(w, offset, row, PAD, n);
            return FloatDot256.dot(row, PAD, x, xOff, n);
        }
    }

    /**
     * Q4_0 with the decode fused into the dot: {@code (q - 8) * d} as {@code fma(q, d, -8d)} (every
     * term exact, so the same float; only a zero's sign may differ, which no sum starting at +0 can
     * tell), multiplied into part {@code j / 8}'s accumulator.
     */
    static final class Q4_0Kernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q4_0;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int n) {
            q4_0(w, offset, dst, dstOff, n);
        }

        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector a0 = FloatVector.zero(F8), a1 = a0, b0 = a0, b1 = a0;
            for (int end = i + n; i < end; i += 32, o += 18) {
                float d = f16(w, o);
                FloatVector dv = FloatVector.broadcast(F8, d), m = FloatVector.broadcast(F8, -8 * d);
                IntVector q0 = u8x8(w, o + 2), q1 = u8x8(w, o + 10);
                a0 = toFloat(q0.and(0xF)).fma(dv, m).fma(x8(x, i), a0);
                a1 = toFloat(q1.and(0xF)).fma(dv, m).fma(x8(x, i + 8), a1);
                b0 = toFloat(shr(q0, 4)).fma(dv, m).fma(x8(x, i + 16), b0);
                b1 = toFloat(shr(q1, 4)).fma(dv, m).fma(x8(x, i + 24), b1);
            }
            return FloatDot256.reduce(a0, a1, b0, b1);
        }
    }

    /** Q8_0 with the decode ({@code q * d}, one rounding) fused into the dot. */
    static final class Q8_0Kernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q8_0;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int n) {
            q8_0(w, offset, dst, dstOff, n);
        }

        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector a0 = FloatVector.zero(F8), a1 = a0, b0 = a0, b1 = a0;
            for (int end = i + n; i < end; i += 32, o += 34) {
                FloatVector d = FloatVector.broadcast(F8, f16(w, o));
                a0 = toFloat(i8x8(w, o + 2)).mul(d).fma(x8(x, i), a0);
                a1 = toFloat(i8x8(w, o + 10)).mul(d).fma(x8(x, i + 8), a1);
                b0 = toFloat(i8x8(w, o + 18)).mul(d).fma(x8(x, i + 16), b0);
                b1 = toFloat(i8x8(w, o + 26)).mul(d).fma(x8(x, i + 24), b1);
            }
            return FloatDot256.reduce(a0, a1, b0, b1);
        }
    }

    private static FloatVector x8(float[] x, int i) {
        return FloatVector.fromArray(F8, x, i);
    }

    private static IntVector u8x8(MemorySegment w, long off) {
        return (IntVector) ByteVector.fromMemorySegment(B64, w, off, LE).convertShape(VectorOperators.ZERO_EXTEND_B2I, I8, 0);
    }

    private static IntVector i8x8(MemorySegment w, long off) {
        return (IntVector) ByteVector.fromMemorySegment(B64, w, off, LE).convertShape(VectorOperators.B2I, I8, 0);
    }

    private static FloatVector toFloat(IntVector v) {
        return (FloatVector) v.convert(VectorOperators.I2F, 0);
    }

    private static IntVector shr(IntVector v, int bits) {
        return v.lanewise(VectorOperators.LSHR, bits);
    }

    private static IntVector shl(IntVector v, int bits) {
        return v.lanewise(VectorOperators.LSHL, bits);
    }

    static void f32(MemorySegment w, long o, float[] dst, int i, int n) {
        MemorySegment.copy(w, WeightBytes.F32, o, dst, i, n);
    }

    /** A plain loop: C2 compiles it to {@code vcvtph2ps} (F16C, which every AVX2 CPU has). */
    static void f16Row(MemorySegment w, long o, float[] dst, int i, int n) {
        for (int j = 0; j < n; j++) dst[i + j] = Float.float16ToFloat(w.get(ValueLayout.JAVA_SHORT_UNALIGNED, o + 2L * j));
    }

    /** The top half of a float32 (ggml's GGML_BF16_TO_FP32). */
    static void bf16Row(MemorySegment w, long o, float[] dst, int i, int n) {
        int j = 0;
        for (; j + 8 <= n; j += 8) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S128, w, o + 2L * j, LE).convertShape(VectorOperators.S2I, I8, 0);
            shl(h, 16).reinterpretAsFloats().intoArray(dst, i + j);
        }
        for (; j < n; j++) dst[i + j] = WeightBytes.bf16(w, o + 2L * j);
    }

    // block_q4_0 {half d; u8 qs[16]}: (q - 8) * d; value j is the low nibble of qs[j], j + 16 the high one.
    static void q4_0(MemorySegment w, long o, float[] dst, int i, int n) {
        for (int end = i + n; i < end; i += 32, o += 18) {
            float d = f16(w, o);
            IntVector q0 = u8x8(w, o + 2), q1 = u8x8(w, o + 10);
            toFloat(q0.and(0xF).sub(8)).mul(d).intoArray(dst, i);
            toFloat(q1.and(0xF).sub(8)).mul(d).intoArray(dst, i + 8);
            toFloat(shr(q0, 4).sub(8)).mul(d).intoArray(dst, i + 16);
            toFloat(shr(q1, 4).sub(8)).mul(d).intoArray(dst, i + 24);
        }
    }

    // block_q8_0 {half d; i8 qs[32]}: q * d.
    static void q8_0(MemorySegment w, long o, float[] dst, int i, int n) {
        for (int end = i + n; i < end; i += 32, o += 34) {
            float d = f16(w, o);
            toFloat(i8x8(w, o + 2)).mul(d).intoArray(dst, i);
            toFloat(i8x8(w, o + 10)).mul(d).intoArray(dst, i + 8);
            toFloat(i8x8(w, o + 18)).mul(d).intoArray(dst, i + 16);
            toFloat(i8x8(w, o + 26)).mul(d).intoArray(dst, i + 24);
        }
    }

    // block_q4_K {half d; half dmin; u8 scales[12]; u8 qs[128]}: 32 bytes give sub-block 2j (low
    // nibbles) and 2j + 1 (high nibbles); d_s * q - m_s as one fma (d_s * q is exact).
    static void q4_K(MemorySegment w, long o, float[] dst, int i, int n) {
        for (int end = i + n; i < end; o += 144) {
            float d = f16(w, o), min = f16(w, o + 2);
            long lo = i64(w, o + 4);
            int hi = i32(w, o + 12);
            for (int j = 0; j < 8; j += 2, i += 64) {
                FloatVector d1 = FloatVector.broadcast(F8, d * scaleMinK4(lo, hi, j, 0));
                FloatVector m1 = FloatVector.broadcast(F8, -(min * scaleMinK4(lo, hi, j, 1)));
                FloatVector d2 = FloatVector.broadcast(F8, d * scaleMinK4(lo, hi, j + 1, 0));
                FloatVector m2 = FloatVector.broadcast(F8, -(min * scaleMinK4(lo, hi, j + 1, 1)));
                long q = o + 16 + 16L * j;
                for (int k = 0; k < 32; k += 8) {
                    IntVector b = u8x8(w, q + k);
                    toFloat(b.and(0xF)).fma(d1, m1).intoArray(dst, i + k);
                    toFloat(shr(b, 4)).fma(d2, m2).intoArray(dst, i + 32 + k);
                }
            }
        }
    }

    // block_q5_K {half d; half dmin; u8 scales[12]; u8 qh[32]; u8 qs[128]}: Q4_K plus bit 2j' (low
    // nibbles) or 2j' + 1 (high nibbles) of qh[l] as the fifth bit, for sub-block pair j'. The qh
    // bytes are shifted by a broadcast count vector (vpsrlvd): a scalar variable shift count would not
    // be intrinsified.
    static void q5_K(MemorySegment w, long o, float[] dst, int i, int n) {
        for (int end = i + n; i < end; i += 256, o += 176) {
            float d = f16(w, o), min = f16(w, o + 2);
            long lo = i64(w, o + 4);
            int hi = i32(w, o + 12);
            for (int j = 0; j < 8; j += 2) {
                FloatVector d1 = FloatVector.broadcast(F8, d * scaleMinK4(lo, hi, j, 0));
                FloatVector m1 = FloatVector.broadcast(F8, -(min * scaleMinK4(lo, hi, j, 1)));
                FloatVector d2 = FloatVector.broadcast(F8, d * scaleMinK4(lo, hi, j + 1, 0));
                FloatVector m2 = FloatVector.broadcast(F8, -(min * scaleMinK4(lo, hi, j + 1, 1)));
                IntVector shift = IntVector.broadcast(I8, j);
                int at = i + 32 * j;
                for (int k = 0; k < 32; k += 8) {
                    IntVector b = u8x8(w, o + 48 + 16L * j + k);
                    IntVector h = u8x8(w, o + 16 + k).lanewise(VectorOperators.LSHR, shift);
                    toFloat(b.and(0xF).or(shl(h, 4).and(0x10))).fma(d1, m1).intoArray(dst, at + k);
                    toFloat(shr(b, 4).or(shl(h, 3).and(0x10))).fma(d2, m2).intoArray(dst, at + 32 + k);
                }
            }
        }
    }

    // block_q6_K {u8 ql[128]; u8 qh[64]; i8 scales[16]; half d}: per 128 values, ql[l] and ql[l + 32]
    // give the low nibbles of q1, q2 and the high ones of q3, q4; qh[l] two bits each (q1: bits 0-1,
    // q2: 2-3, q3: 4-5, q4: 6-7). (d * scale) * (q - 32), as dequantize_row_q6_K. One ql load per
    // pass, qh shifted by a constant 2 between the passes: with all three loads in one loop body the
    // method was past C2's inlining budget and ran 10x slower.
    static void q6_K(MemorySegment w, long o, float[] dst, int i, int n) {
        for (int end = i + n; i < end; o += 210) {
            float d = f16(w, o + 208);
            for (int half = 0; half < 2; half++, i += 128) {
                long ql = o + 64L * half, qh = o + 128 + 32L * half, sc = o + 192 + 8L * half;
                for (int l = 0; l < 32; l += 8) {
                    IntVector h = u8x8(w, qh + l);
                    for (int c = 0; c < 2; c++) {
                        IntVector a = u8x8(w, ql + 32 * c + l);
                        long is = sc + l / 16 + 2 * c;
                        toFloat(a.and(0xF).or(shl(h, 4).and(0x30)).sub(32)).mul(d * i8(w, is)).intoArray(dst, i + 32 * c + l);
                        toFloat(shr(a, 4).or(h.and(0x30)).sub(32)).mul(d * i8(w, is + 4)).intoArray(dst, i + 64 + 32 * c + l);
                        h = shr(h, 2);
                    }
                }
            }
        }
    }
}
