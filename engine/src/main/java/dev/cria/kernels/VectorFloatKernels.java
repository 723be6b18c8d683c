package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;

import static dev.cria.kernels.QuantVectors.F;
import static dev.cria.kernels.QuantVectors.I;
import static dev.cria.kernels.QuantVectors.LE;
import static dev.cria.kernels.QuantVectors.shl;
import static dev.cria.kernels.QuantVectors.toFloat;
import static dev.cria.kernels.QuantVectors.x8;

/**
 * Vector kernels for the unquantized types F32, F16 and BF16. A row of these types need not be a
 * multiple of 32 values; the tail follows {@link FloatDot}'s rule (sequential fma, added last).
 */
final class VectorFloatKernels {
    private static final VectorSpecies<Short> S128 = ShortVector.SPECIES_128;

    private VectorFloatKernels() {
    }

    static final class F32Kernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.F32;
        }

        // The loops are repeated in each class on purpose: a shared loop calling an overridden
        // decode8 would see three receivers, stop inlining, and box every vector.
        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int n) {
            int g = n - n % 8;
            for (int j = 0; j < g; j += 8) decode8(w, offset + (long) j * 4).intoArray(dst, dstOff + j);
            for (int j = g; j < n; j++) dst[dstOff + j] = decode1(w, offset + (long) j * 4);
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            int g = n - n % FloatDot.GROUP;
            long o = offset;
            for (int j = 0; j < g; j += FloatDot.GROUP, o += 32 * 4) {
                a0 = decode8(w, o).fma(x8(x, xOff + j), a0);
                a1 = decode8(w, o + 8 * 4).fma(x8(x, xOff + j + 8), a1);
                a2 = decode8(w, o + 16 * 4).fma(x8(x, xOff + j + 16), a2);
                a3 = decode8(w, o + 24 * 4).fma(x8(x, xOff + j + 24), a3);
            }
            float tail = 0f;
            for (int j = g; j < n; j++) tail = Math.fma(decode1(w, offset + (long) j * 4), x[xOff + j], tail);
            return FloatDot.reduce(a0, a1, a2, a3) + tail;
        }

        static FloatVector decode8(MemorySegment w, long off) {
            return FloatVector.fromMemorySegment(F, w, off, LE);
        }

        static float decode1(MemorySegment w, long off) {
            return w.get(WeightBytes.F32, off);
        }
    }

    /**
     * IEEE half to float without a lookup: normal values re-bias the exponent (+112), infinities and
     * NaNs get a second +112 to reach 255, subnormals and zeros are {@code mantissa * 2^-24}
     * (exact in float); the sign is or-ed back last. Same bits as {@link Float#float16ToFloat}.
     */
    static final class F16Kernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.F16;
        }

        // The loops are repeated in each class on purpose: a shared loop calling an overridden
        // decode8 would see three receivers, stop inlining, and box every vector.
        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int n) {
            int g = n - n % 8;
            for (int j = 0; j < g; j += 8) decode8(w, offset + (long) j * 2).intoArray(dst, dstOff + j);
            for (int j = g; j < n; j++) dst[dstOff + j] = decode1(w, offset + (long) j * 2);
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            int g = n - n % FloatDot.GROUP;
            long o = offset;
            for (int j = 0; j < g; j += FloatDot.GROUP, o += 32 * 2) {
                a0 = decode8(w, o).fma(x8(x, xOff + j), a0);
                a1 = decode8(w, o + 8 * 2).fma(x8(x, xOff + j + 8), a1);
                a2 = decode8(w, o + 16 * 2).fma(x8(x, xOff + j + 16), a2);
                a3 = decode8(w, o + 24 * 2).fma(x8(x, xOff + j + 24), a3);
            }
            float tail = 0f;
            for (int j = g; j < n; j++) tail = Math.fma(decode1(w, offset + (long) j * 2), x[xOff + j], tail);
            return FloatDot.reduce(a0, a1, a2, a3) + tail;
        }

        static FloatVector decode8(MemorySegment w, long off) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S128, w, off, LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector em = h.and(0x7FFF);
            IntVector sign = shl(h.and(0x8000), 16);
            IntVector bits = shl(em, 13).add(0x38000000);
            bits = bits.lanewise(VectorOperators.ADD, 0x38000000, em.compare(VectorOperators.GE, 0x7C00));
            IntVector small = toFloat(em).mul(0x1p-24f).reinterpretAsInts();
            bits = bits.blend(small, em.compare(VectorOperators.LT, 0x400));
            return bits.or(sign).reinterpretAsFloats();
        }

        static float decode1(MemorySegment w, long off) {
            return WeightBytes.f16(w, off);
        }
    }

    /** bfloat16 is the top half of a float: sign-extend to int and shift left 16. */
    static final class BF16Kernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.BF16;
        }

        // The loops are repeated in each class on purpose: a shared loop calling an overridden
        // decode8 would see three receivers, stop inlining, and box every vector.
        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int n) {
            int g = n - n % 8;
            for (int j = 0; j < g; j += 8) decode8(w, offset + (long) j * 2).intoArray(dst, dstOff + j);
            for (int j = g; j < n; j++) dst[dstOff + j] = decode1(w, offset + (long) j * 2);
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            int g = n - n % FloatDot.GROUP;
            long o = offset;
            for (int j = 0; j < g; j += FloatDot.GROUP, o += 32 * 2) {
                a0 = decode8(w, o).fma(x8(x, xOff + j), a0);
                a1 = decode8(w, o + 8 * 2).fma(x8(x, xOff + j + 8), a1);
                a2 = decode8(w, o + 16 * 2).fma(x8(x, xOff + j + 16), a2);
                a3 = decode8(w, o + 24 * 2).fma(x8(x, xOff + j + 24), a3);
            }
            float tail = 0f;
            for (int j = g; j < n; j++) tail = Math.fma(decode1(w, offset + (long) j * 2), x[xOff + j], tail);
            return FloatDot.reduce(a0, a1, a2, a3) + tail;
        }

        static FloatVector decode8(MemorySegment w, long off) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S128, w, off, LE).convertShape(VectorOperators.S2I, I, 0);
            return shl(h, 16).reinterpretAsFloats();
        }

        static float decode1(MemorySegment w, long off) {
            return WeightBytes.bf16(w, off);
        }
    }
}
