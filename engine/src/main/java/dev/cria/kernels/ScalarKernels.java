package dev.cria.kernels;

import dev.cria.tensor.GgmlType;

import java.lang.foreign.MemorySegment;

import static dev.cria.kernels.WeightBytes.bf16;
import static dev.cria.kernels.WeightBytes.f16;
import static dev.cria.kernels.WeightBytes.i32;
import static dev.cria.kernels.WeightBytes.i8;
import static dev.cria.kernels.WeightBytes.scaleMinK4;
import static dev.cria.kernels.WeightBytes.scaleQ3K;
import static dev.cria.kernels.WeightBytes.u8;

/**
 * The scalar reference kernels: one plain loop per type that follows ggml-quants.c's
 * {@code dequantize_row_*} value by value (same integer arithmetic, same float operations in the
 * same order, so the floats are bit-identical to ggml's). They are the twins the Vector API kernels
 * are tested against; the engine itself uses {@link Kernels#forType}.
 *
 * <p>{@link WeightKernel#dot} here accumulates in double (every product of two floats is exact in
 * double), which makes it the most accurate reference for the float32 vector dot.
 */
final class ScalarKernels {
    private ScalarKernels() {
    }

    static WeightKernel of(GgmlType type) {
        return switch (type) {
            case F32 -> new BlockDecoder(type, (w, o, y, i) -> y[i] = w.get(WeightBytes.F32, o));
            case F16 -> new BlockDecoder(type, (w, o, y, i) -> y[i] = f16(w, o));
            case BF16 -> new BlockDecoder(type, (w, o, y, i) -> y[i] = bf16(w, o));
            case Q4_0 -> new BlockDecoder(type, ScalarKernels::q4_0);
            case Q4_1 -> new BlockDecoder(type, ScalarKernels::q4_1);
            case Q5_0 -> new BlockDecoder(type, ScalarKernels::q5_0);
            case Q5_1 -> new BlockDecoder(type, ScalarKernels::q5_1);
            case Q8_0 -> new BlockDecoder(type, ScalarKernels::q8_0);
            case Q2_K -> new BlockDecoder(type, ScalarKernels::q2_K);
            case Q3_K -> new BlockDecoder(type, ScalarKernels::q3_K);
            case Q4_K -> new BlockDecoder(type, ScalarKernels::q4_K);
            case Q5_K -> new BlockDecoder(type, ScalarKernels::q5_K);
            case Q6_K -> new BlockDecoder(type, ScalarKernels::q6_K);
        };
    }

    /** Decodes one block of {@code type.blockSize} values at byte {@code off} into {@code y[i..]}. */
    @FunctionalInterface
    interface BlockDecode {
        void decode(MemorySegment w, long off, float[] y, int i);
    }

    private record BlockDecoder(GgmlType type, BlockDecode block) implements WeightKernel {
        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int n) {
            int bs = type.blockSize;
            for (int i = 0; i < n; i += bs, offset += type.blockBytes) {
                block.decode(w, offset, dst, dstOff + i);
            }
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
            int bs = type.blockSize;
            float[] y = new float[bs];
            double sum = 0;
            for (int i = 0; i < n; i += bs, offset += type.blockBytes) {
                block.decode(w, offset, y, 0);
                for (int j = 0; j < bs; j++) {
                    sum += (double) y[j] * x[xOff + i + j];
                }
            }
            return (float) sum;
        }
    }

    // block_q4_0 {half d; u8 qs[16]}: element j = low nibble of qs[j], j+16 = high nibble; (q - 8) * d.
    static void q4_0(MemorySegment w, long o, float[] y, int i) {
        float d = f16(w, o);
        for (int j = 0; j < 16; j++) {
            int b = u8(w, o + 2 + j);
            y[i + j] = ((b & 0xF) - 8) * d;
            y[i + j + 16] = ((b >>> 4) - 8) * d;
        }
    }

    // block_q4_1 {half d; half m; u8 qs[16]}: q * d + m.
    static void q4_1(MemorySegment w, long o, float[] y, int i) {
        float d = f16(w, o);
        float m = f16(w, o + 2);
        for (int j = 0; j < 16; j++) {
            int b = u8(w, o + 4 + j);
            y[i + j] = (b & 0xF) * d + m;
            y[i + j + 16] = (b >>> 4) * d + m;
        }
    }

    // block_q5_0 {half d; u32 qh; u8 qs[16]}: bit j of qh is bit 4 of element j; (q - 16) * d.
    static void q5_0(MemorySegment w, long o, float[] y, int i) {
        float d = f16(w, o);
        int qh = i32(w, o + 2);
        for (int j = 0; j < 16; j++) {
            int b = u8(w, o + 6 + j);
            int xh0 = ((qh >>> j) << 4) & 0x10;
            int xh1 = (qh >>> (j + 12)) & 0x10;
            y[i + j] = (((b & 0xF) | xh0) - 16) * d;
            y[i + j + 16] = (((b >>> 4) | xh1) - 16) * d;
        }
    }

    // block_q5_1 {half d; half m; u32 qh; u8 qs[16]}: q * d + m.
    static void q5_1(MemorySegment w, long o, float[] y, int i) {
        float d = f16(w, o);
        float m = f16(w, o + 2);
        int qh = i32(w, o + 4);
        for (int j = 0; j < 16; j++) {
            int b = u8(w, o + 8 + j);
            int xh0 = ((qh >>> j) << 4) & 0x10;
            int xh1 = (qh >>> (j + 12)) & 0x10;
            y[i + j] = ((b & 0xF) | xh0) * d + m;
            y[i + j + 16] = ((b >>> 4) | xh1) * d + m;
        }
    }

    // block_q8_0 {half d; i8 qs[32]}: q * d.
    static void q8_0(MemorySegment w, long o, float[] y, int i) {
        float d = f16(w, o);
        for (int j = 0; j < 32; j++) {
            y[i + j] = i8(w, o + 2 + j) * d;
        }
    }

    // block_q2_K {u8 scales[16]; u8 qs[64]; half d; half dmin}: 16 sub-blocks of 16, 4-bit scale and
    // min each; 2-bit quants, four per byte: byte l of each 32-byte half holds shifts 0, 2, 4, 6.
    static void q2_K(MemorySegment w, long o, float[] y, int i) {
        float d = f16(w, o + 80);
        float min = f16(w, o + 82);
        int is = 0;
        for (int n = 0; n < 256; n += 128) {
            long q = o + 16 + n / 4;
            for (int shift = 0; shift < 8; shift += 2) {
                for (int half = 0; half < 32; half += 16) {
                    int sc = u8(w, o + is++);
                    float dl = d * (sc & 0xF);
                    float ml = min * (sc >>> 4);
                    for (int l = 0; l < 16; l++) {
                        y[i++] = dl * ((u8(w, q + half + l) >>> shift) & 3) - ml;
                    }
                }
            }
        }
    }

    // block_q3_K {u8 hmask[32]; u8 qs[64]; u8 scales[12]; half d}: 16 sub-blocks of 16 with 6-bit
    // scales (bias 32); 2 low bits in qs like Q2_K, the high bit in hmask (clear means subtract 4).
    static void q3_K(MemorySegment w, long o, float[] y, int i) {
        float dAll = f16(w, o + 108);
        int is = 0;
        int bit = 0;
        for (int n = 0; n < 256; n += 128) {
            long q = o + 32 + n / 4;
            for (int shift = 0; shift < 8; shift += 2, bit++) {
                for (int half = 0; half < 32; half += 16) {
                    float dl = dAll * (scaleQ3K(w, o + 96, is++) - 32);
                    for (int l = 0; l < 16; l++) {
                        int low = (u8(w, q + half + l) >>> shift) & 3;
                        int high = (u8(w, o + half + l) >>> bit) & 1;
                        y[i++] = dl * (low - (high != 0 ? 0 : 4));
                    }
                }
            }
        }
    }

    // block_q4_K {half d; half dmin; u8 scales[12]; u8 qs[128]}: 8 sub-blocks of 32 with 6-bit scale
    // and min (get_scale_min_k4); each 32 bytes give 64 values: low nibbles, then high nibbles.
    static void q4_K(MemorySegment w, long o, float[] y, int i) {
        float d = f16(w, o);
        float min = f16(w, o + 2);
        for (int j = 0; j < 4; j++) {
            float d1 = d * scaleMinK4(w, o + 4, 2 * j, 0);
            float m1 = min * scaleMinK4(w, o + 4, 2 * j, 1);
            float d2 = d * scaleMinK4(w, o + 4, 2 * j + 1, 0);
            float m2 = min * scaleMinK4(w, o + 4, 2 * j + 1, 1);
            long q = o + 16 + 32L * j;
            for (int l = 0; l < 32; l++) y[i + l] = d1 * (u8(w, q + l) & 0xF) - m1;
            for (int l = 0; l < 32; l++) y[i + 32 + l] = d2 * (u8(w, q + l) >>> 4) - m2;
            i += 64;
        }
    }

    // block_q5_K {half d; half dmin; u8 scales[12]; u8 qh[32]; u8 qs[128]}: Q4_K plus a fifth bit
    // from qh: bit 2j of qh[l] for the low-nibble values of chunk j, bit 2j+1 for the high ones.
    static void q5_K(MemorySegment w, long o, float[] y, int i) {
        float d = f16(w, o);
        float min = f16(w, o + 2);
        for (int j = 0; j < 4; j++) {
            float d1 = d * scaleMinK4(w, o + 4, 2 * j, 0);
            float m1 = min * scaleMinK4(w, o + 4, 2 * j, 1);
            float d2 = d * scaleMinK4(w, o + 4, 2 * j + 1, 0);
            float m2 = min * scaleMinK4(w, o + 4, 2 * j + 1, 1);
            long q = o + 48 + 32L * j;
            for (int l = 0; l < 32; l++) {
                int h = u8(w, o + 16 + l);
                y[i + l] = d1 * ((u8(w, q + l) & 0xF) + (((h >>> (2 * j)) & 1) << 4)) - m1;
                y[i + 32 + l] = d2 * ((u8(w, q + l) >>> 4) + (((h >>> (2 * j + 1)) & 1) << 4)) - m2;
            }
            i += 64;
        }
    }

    // block_q6_K {u8 ql[128]; u8 qh[64]; i8 scales[16]; half d}: 6-bit quants (bias 32), 16 sub-blocks
    // of 16 with int8 scales; per 128 values: ql[l], ql[l+32] nibbles and 2-bit pairs of qh[l].
    static void q6_K(MemorySegment w, long o, float[] y, int i) {
        float d = f16(w, o + 208);
        for (int n = 0; n < 2; n++) {
            long ql = o + 64L * n;
            long qh = o + 128 + 32L * n;
            long sc = o + 192 + 8L * n;
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int a = u8(w, ql + l);
                int b = u8(w, ql + 32 + l);
                int h = u8(w, qh + l);
                int q1 = ((a & 0xF) | ((h & 3) << 4)) - 32;
                int q2 = ((b & 0xF) | (((h >>> 2) & 3) << 4)) - 32;
                int q3 = ((a >>> 4) | (((h >>> 4) & 3) << 4)) - 32;
                int q4 = ((b >>> 4) | (((h >>> 6) & 3) << 4)) - 32;
                y[i + l] = d * i8(w, sc + is) * q1;
                y[i + 32 + l] = d * i8(w, sc + is + 2) * q2;
                y[i + 64 + l] = d * i8(w, sc + is + 4) * q3;
                y[i + 96 + l] = d * i8(w, sc + is + 6) * q4;
            }
            i += 128;
        }
    }
}
