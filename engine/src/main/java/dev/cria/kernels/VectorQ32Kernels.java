package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

import java.lang.foreign.MemorySegment;

import static dev.cria.kernels.QuantVectors.F;
import static dev.cria.kernels.QuantVectors.I;
import static dev.cria.kernels.QuantVectors.i8x8;
import static dev.cria.kernels.QuantVectors.shl;
import static dev.cria.kernels.QuantVectors.shr;
import static dev.cria.kernels.QuantVectors.splat;
import static dev.cria.kernels.QuantVectors.toFloat;
import static dev.cria.kernels.QuantVectors.u8x8;
import static dev.cria.kernels.QuantVectors.x8;
import static dev.cria.kernels.WeightBytes.f16;
import static dev.cria.kernels.WeightBytes.i32;

/**
 * Vector kernels for the 32-value block types Q4_0, Q4_1, Q5_0, Q5_1 and Q8_0. One block is one
 * {@link FloatDot} group: its values 0-7, 8-15, 16-23, 24-31 go to accumulators 0-3. Each value is
 * decoded with exactly ggml's float operations ({@code (q - 8) * d}, {@code q * d + m}, ...) before
 * its fused multiply-add, so dequantize-then-dot gives the same bits as the fused dot.
 */
final class VectorQ32Kernels {
    private VectorQ32Kernels() {
    }

    /** Per-lane shifts selecting bit {@code 8k + lane} of a Q5 block's 32-bit qh. */
    private static final IntVector[] QH_SHIFT = {
            IntVector.fromArray(I, new int[]{0, 1, 2, 3, 4, 5, 6, 7}, 0),
            IntVector.fromArray(I, new int[]{8, 9, 10, 11, 12, 13, 14, 15}, 0),
            IntVector.fromArray(I, new int[]{16, 17, 18, 19, 20, 21, 22, 23}, 0),
            IntVector.fromArray(I, new int[]{24, 25, 26, 27, 28, 29, 30, 31}, 0)};
    private static final IntVector SH0 = QH_SHIFT[0], SH1 = QH_SHIFT[1], SH2 = QH_SHIFT[2], SH3 = QH_SHIFT[3];

    /** Bit 4 of the 8 Q5 values whose high bits sit at {@code shifts} in {@code qh}. */
    private static IntVector fifthBit(IntVector qh, IntVector shifts) {
        return shl(qh.lanewise(VectorOperators.LSHR, shifts), 4).and(0x10);
    }

    // block_q4_0 {half d; u8 qs[16]}: (q - 8) * d
    static final class Q4_0Kernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q4_0;
        }

        private static FloatVector lo(IntVector q, FloatVector d) {
            return toFloat(q.and(0xF).sub(8)).mul(d);
        }

        private static FloatVector hi(IntVector q, FloatVector d) {
            return toFloat(shr(q, 4).sub(8)).mul(d);
        }

        @Override
        public void dequantize(MemorySegment w, long o, float[] dst, int i, int n) {
            for (int end = i + n; i < end; i += 32, o += 18) {
                FloatVector d = splat(f16(w, o));
                IntVector q0 = u8x8(w, o + 2), q1 = u8x8(w, o + 10);
                lo(q0, d).intoArray(dst, i);
                lo(q1, d).intoArray(dst, i + 8);
                hi(q0, d).intoArray(dst, i + 16);
                hi(q1, d).intoArray(dst, i + 24);
            }
        }

        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int end = i + n; i < end; i += 32, o += 18) {
                FloatVector d = splat(f16(w, o));
                IntVector q0 = u8x8(w, o + 2), q1 = u8x8(w, o + 10);
                a0 = lo(q0, d).fma(x8(x, i), a0);
                a1 = lo(q1, d).fma(x8(x, i + 8), a1);
                a2 = hi(q0, d).fma(x8(x, i + 16), a2);
                a3 = hi(q1, d).fma(x8(x, i + 24), a3);
            }
            return FloatDot.reduce(a0, a1, a2, a3);
        }
    }

    // block_q4_1 {half d; half m; u8 qs[16]}: q * d + m
    static final class Q4_1Kernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q4_1;
        }

        private static FloatVector lo(IntVector q, FloatVector d, FloatVector m) {
            return toFloat(q.and(0xF)).mul(d).add(m);
        }

        private static FloatVector hi(IntVector q, FloatVector d, FloatVector m) {
            return toFloat(shr(q, 4)).mul(d).add(m);
        }

        @Override
        public void dequantize(MemorySegment w, long o, float[] dst, int i, int n) {
            for (int end = i + n; i < end; i += 32, o += 20) {
                FloatVector d = splat(f16(w, o)), m = splat(f16(w, o + 2));
                IntVector q0 = u8x8(w, o + 4), q1 = u8x8(w, o + 12);
                lo(q0, d, m).intoArray(dst, i);
                lo(q1, d, m).intoArray(dst, i + 8);
                hi(q0, d, m).intoArray(dst, i + 16);
                hi(q1, d, m).intoArray(dst, i + 24);
            }
        }

        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int end = i + n; i < end; i += 32, o += 20) {
                FloatVector d = splat(f16(w, o)), m = splat(f16(w, o + 2));
                IntVector q0 = u8x8(w, o + 4), q1 = u8x8(w, o + 12);
                a0 = lo(q0, d, m).fma(x8(x, i), a0);
                a1 = lo(q1, d, m).fma(x8(x, i + 8), a1);
                a2 = hi(q0, d, m).fma(x8(x, i + 16), a2);
                a3 = hi(q1, d, m).fma(x8(x, i + 24), a3);
            }
            return FloatDot.reduce(a0, a1, a2, a3);
        }
    }

    // block_q5_0 {half d; u32 qh; u8 qs[16]}: (q - 16) * d, bit j of qh is bit 4 of value j
    static final class Q5_0Kernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q5_0;
        }

        private static FloatVector value(IntVector nibble, IntVector high, FloatVector d) {
            return toFloat(nibble.or(high).sub(16)).mul(d);
        }

        @Override
        public void dequantize(MemorySegment w, long o, float[] dst, int i, int n) {
            for (int end = i + n; i < end; i += 32, o += 22) {
                FloatVector d = splat(f16(w, o));
                IntVector qh = IntVector.broadcast(I, i32(w, o + 2));
                IntVector q0 = u8x8(w, o + 6), q1 = u8x8(w, o + 14);
                value(q0.and(0xF), fifthBit(qh, SH0), d).intoArray(dst, i);
                value(q1.and(0xF), fifthBit(qh, SH1), d).intoArray(dst, i + 8);
                value(shr(q0, 4), fifthBit(qh, SH2), d).intoArray(dst, i + 16);
                value(shr(q1, 4), fifthBit(qh, SH3), d).intoArray(dst, i + 24);
            }
        }

        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int end = i + n; i < end; i += 32, o += 22) {
                FloatVector d = splat(f16(w, o));
                IntVector qh = IntVector.broadcast(I, i32(w, o + 2));
                IntVector q0 = u8x8(w, o + 6), q1 = u8x8(w, o + 14);
                a0 = value(q0.and(0xF), fifthBit(qh, SH0), d).fma(x8(x, i), a0);
                a1 = value(q1.and(0xF), fifthBit(qh, SH1), d).fma(x8(x, i + 8), a1);
                a2 = value(shr(q0, 4), fifthBit(qh, SH2), d).fma(x8(x, i + 16), a2);
                a3 = value(shr(q1, 4), fifthBit(qh, SH3), d).fma(x8(x, i + 24), a3);
            }
            return FloatDot.reduce(a0, a1, a2, a3);
        }
    }

    // block_q5_1 {half d; half m; u32 qh; u8 qs[16]}: q * d + m
    static final class Q5_1Kernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q5_1;
        }

        private static FloatVector value(IntVector nibble, IntVector high, FloatVector d, FloatVector m) {
            return toFloat(nibble.or(high)).mul(d).add(m);
        }

        @Override
        public void dequantize(MemorySegment w, long o, float[] dst, int i, int n) {
            for (int end = i + n; i < end; i += 32, o += 24) {
                FloatVector d = splat(f16(w, o)), m = splat(f16(w, o + 2));
                IntVector qh = IntVector.broadcast(I, i32(w, o + 4));
                IntVector q0 = u8x8(w, o + 8), q1 = u8x8(w, o + 16);
                value(q0.and(0xF), fifthBit(qh, SH0), d, m).intoArray(dst, i);
                value(q1.and(0xF), fifthBit(qh, SH1), d, m).intoArray(dst, i + 8);
                value(shr(q0, 4), fifthBit(qh, SH2), d, m).intoArray(dst, i + 16);
                value(shr(q1, 4), fifthBit(qh, SH3), d, m).intoArray(dst, i + 24);
            }
        }

        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int end = i + n; i < end; i += 32, o += 24) {
                FloatVector d = splat(f16(w, o)), m = splat(f16(w, o + 2));
                IntVector qh = IntVector.broadcast(I, i32(w, o + 4));
                IntVector q0 = u8x8(w, o + 8), q1 = u8x8(w, o + 16);
                a0 = value(q0.and(0xF), fifthBit(qh, SH0), d, m).fma(x8(x, i), a0);
                a1 = value(q1.and(0xF), fifthBit(qh, SH1), d, m).fma(x8(x, i + 8), a1);
                a2 = value(shr(q0, 4), fifthBit(qh, SH2), d, m).fma(x8(x, i + 16), a2);
                a3 = value(shr(q1, 4), fifthBit(qh, SH3), d, m).fma(x8(x, i + 24), a3);
            }
            return FloatDot.reduce(a0, a1, a2, a3);
        }
    }

    // block_q8_0 {half d; i8 qs[32]}: q * d
    static final class Q8_0Kernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q8_0;
        }

        private static FloatVector value(MemorySegment w, long off, FloatVector d) {
            return toFloat(i8x8(w, off)).mul(d);
        }

        @Override
        public void dequantize(MemorySegment w, long o, float[] dst, int i, int n) {
            for (int end = i + n; i < end; i += 32, o += 34) {
                FloatVector d = splat(f16(w, o));
                value(w, o + 2, d).intoArray(dst, i);
                value(w, o + 10, d).intoArray(dst, i + 8);
                value(w, o + 18, d).intoArray(dst, i + 16);
                value(w, o + 26, d).intoArray(dst, i + 24);
            }
        }

        @Override
        public float dot(MemorySegment w, long o, float[] x, int i, int n) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int end = i + n; i < end; i += 32, o += 34) {
                FloatVector d = splat(f16(w, o));
                a0 = value(w, o + 2, d).fma(x8(x, i), a0);
                a1 = value(w, o + 10, d).fma(x8(x, i + 8), a1);
                a2 = value(w, o + 18, d).fma(x8(x, i + 16), a2);
                a3 = value(w, o + 26, d).fma(x8(x, i + 24), a3);
            }
            return FloatDot.reduce(a0, a1, a2, a3);
        }
    }
}
