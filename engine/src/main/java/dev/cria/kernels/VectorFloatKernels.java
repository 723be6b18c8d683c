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
import static dev.cria.kernels.QuantVectors.x16;

/**
 * Vector kernels for the unquantized types F32, F16 and BF16. A row of these types need not be a
 * multiple of 32 values; the tail follows {@link FloatDot}'s rule (sequential fma, added last).
 */
final class VectorFloatKernels {
    private static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;

    private VectorFloatKernels() {
    }

    static final class F32Kernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.F32;
        }

        // The loops are repeated in each class on purpose: a shared loop calling an overridden
        // decode16 would see three receivers, stop inlining, and box every vector.
        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int n) {
            int g = n - n % 16;
            for (int j = 0; j < g; j += 16) decode16(w, offset + (long) j * 4).intoArray(dst, dstOff + j);
            for (int j = g; j < n; j++) dst[dstOff + j] = decode1(w, offset + (long) j * 4);
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
            FloatVector a = FloatVector.zero(F), b = a;
            int g = n - n % FloatDot.GROUP;
            long o = offset;
            for (int j = 0; j < g; j += FloatDot.GROUP, o += 32 * 4) {
                a = decode16(w, o).fma(x16(x, xOff + j), a);
                b = decode16(w, o + 16 * 4).fma(x16(x, xOff + j + 16), b);
            }
            float tail = 0f;
            for (int j = g; j < n; j++) tail = Math.fma(decode1(w, offset + (long) j * 4), x[xOff + j], tail);
            return FloatDot.reduce(a, b) + tail;
        }

        static FloatVector decode16(MemorySegment w, long off) {
            return FloatVector.fromMemorySegment(F, w, off, LE);
        }

        static float decode1(MemorySegment w, long off) {
            return w.get(WeightBytes.F32, off);
        }
    }

    /**
     * IEEE half to float without a lookup or blend: the 15 magnitude bits shifted into a float's
     * exponent and mantissa give the value times 2^-112, so one exact multiply by 2^112 yields
     * normals and subnormals alike; exponent 31 (infinity, NaN) is forced to 255 with an or, the
     * sign is or-ed back last. Same bits as {@link Float#float16ToFloat}.
     */
    static final class F16Kernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.F16;
        }

        // The loops are repeated in each class on purpose: a shared loop calling an overridden
        // decode16 would see three receivers, stop inlining, and box every vector.
        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int n) {
            int g = n - n % 16;
            for (int j = 0; j < g; j += 16) decode16(w, offset + (long) j * 2).intoArray(dst, dstOff + j);
            for (int j = g; j < n; j++) dst[dstOff + j] = decode1(w, offset + (long) j * 2);
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
            FloatVector a = FloatVector.zero(F), b = a;
            int g = n - n % FloatDot.GROUP;
            long o = offset;
            for (int j = 0; j < g; j += FloatDot.GROUP, o += 32 * 2) {
                a = decode16(w, o).fma(x16(x, xOff + j), a);
                b = decode16(w, o + 16 * 2).fma(x16(x, xOff + j + 16), b);
            }
            float tail = 0f;
            for (int j = g; j < n; j++) tail = Math.fma(decode1(w, offset + (long) j * 2), x[xOff + j], tail);
            return FloatDot.reduce(a, b) + tail;
        }

        static FloatVector decode16(MemorySegment w, long off) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S256, w, off, LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector em = h.and(0x7FFF);
            FloatVector magnitude = shl(em, 13).reinterpretAsFloats().mul(0x1p112f);
            // all-ones where the exponent field is 31 (em + 0x400 reaches bit 15), else zero
            IntVector special = IntVector.zero(I).sub(em.add(0x400).lanewise(VectorOperators.LSHR, 15));
            return magnitude.reinterpretAsInts().or(special.and(0x7F800000)).or(shl(h.and(0x8000), 16)).reinterpretAsFloats();
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
        // decode16 would see three receivers, stop inlining, and box every vector.
        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int n) {
            int g = n - n % 16;
            for (int j = 0; j < g; j += 16) decode16(w, offset + (long) j * 2).intoArray(dst, dstOff + j);
            for (int j = g; j < n; j++) dst[dstOff + j] = decode1(w, offset + (long) j * 2);
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
            FloatVector a = FloatVector.zero(F), b = a;
            int g = n - n % FloatDot.GROUP;
            long o = offset;
            for (int j = 0; j < g; j += FloatDot.GROUP, o += 32 * 2) {
                a = decode16(w, o).fma(x16(x, xOff + j), a);
                b = decode16(w, o + 16 * 2).fma(x16(x, xOff + j + 16), b);
            }
            float tail = 0f;
            for (int j = g; j < n; j++) tail = Math.fma(decode1(w, offset + (long) j * 2), x[xOff + j], tail);
            return FloatDot.reduce(a, b) + tail;
        }

        static FloatVector decode16(MemorySegment w, long off) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S256, w, off, LE).convertShape(VectorOperators.S2I, I, 0);
            return shl(h, 16).reinterpretAsFloats();
        }

        static float decode1(MemorySegment w, long off) {
            return WeightBytes.bf16(w, off);
        }
    }
}
