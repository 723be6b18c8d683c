package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

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
        private static final int BYTES = 4;

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
        public void dequantizeSplit(MemorySegment w, long offset, MemorySegment dst, long a, long b, int n, float[] scratch) {
            // 16 values at a time, alternately to the two halves: one decode16 call site
            for (int j = 0; j < n; j += 16) {
                long to = ((j & 16) == 0 ? a : b) + 2L * (j & ~31);
                decode16(w, offset + (long) j * 4).intoMemorySegment(dst, to, ByteOrder.LITTLE_ENDIAN);
            }
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

        @Override
        public boolean pairsRows() {
            return true;
        }

        @Override
        public void dot2(MemorySegment w, long o0, long o1, float[] x, int xOff, int n, float[] out, int out0, int out1) {
            FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0;
            int g = n - n % FloatDot.GROUP;
            // 16 values of each row per pass (two decode sites: more would exceed what C2 inlines),
            // swapping the accumulators so that values 16-31 of each group go to b; g is a multiple
            // of 32, so the roles are back in place after the loop.
            for (int j = 0; j < g; j += 16) {
                long d = (long) j * BYTES;
                FloatVector xj = x16(x, xOff + j);
                FloatVector n0 = decode16(w, o0 + d).fma(xj, a0), n1 = decode16(w, o1 + d).fma(xj, a1);
                a0 = b0;
                b0 = n0;
                a1 = b1;
                b1 = n1;
            }
            float t0 = 0f, t1 = 0f;
            for (int j = g; j < n; j++) {
                t0 = Math.fma(decode1(w, o0 + (long) j * BYTES), x[xOff + j], t0);
                t1 = Math.fma(decode1(w, o1 + (long) j * BYTES), x[xOff + j], t1);
            }
            out[out0] = FloatDot.reduce(a0, b0) + t0;
            out[out1] = FloatDot.reduce(a1, b1) + t1;
        }

        static FloatVector decode16(MemorySegment w, long off) {
            return FloatVector.fromMemorySegment(F, w, off, LE);
        }

        static float decode1(MemorySegment w, long off) {
            return w.get(WeightBytes.F32, off);
        }
    }

    /**
     * IEEE half to float without a lookup: the half shifted left by 13 (sign-extended, so the sign
     * lands in bit 31 once bit 28 is cleared) puts its 15 magnitude bits in a float's exponent and
     * mantissa, giving the value times 2^-112; one exact multiply by 2^112 yields normals, subnormals
     * and signed zeros alike. Exponent 31 (infinity, NaN) comes out as 2^16 times 1.m and gets the
     * float exponent 255 or-ed in under a mask (and NaNs quieted). Same bits as
     * {@link Float#float16ToFloat} for all 65536 halves.
     */
    static final class F16Kernel implements WeightKernel {
        private static final int BYTES = 2;

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
        public void dequantizeSplit(MemorySegment w, long offset, MemorySegment dst, long a, long b, int n, float[] scratch) {
            // 16 values at a time, alternately to the two halves: one decode16 call site
            for (int j = 0; j < n; j += 16) {
                long to = ((j & 16) == 0 ? a : b) + 2L * (j & ~31);
                decode16(w, offset + (long) j * 2).intoMemorySegment(dst, to, ByteOrder.LITTLE_ENDIAN);
            }
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

        @Override
        public boolean pairsRows() {
            return true;
        }

        @Override
        public void dot2(MemorySegment w, long o0, long o1, float[] x, int xOff, int n, float[] out, int out0, int out1) {
            FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0;
            int g = n - n % FloatDot.GROUP;
            // 16 values of each row per pass (two decode sites: more would exceed what C2 inlines),
            // swapping the accumulators so that values 16-31 of each group go to b; g is a multiple
            // of 32, so the roles are back in place after the loop.
            for (int j = 0; j < g; j += 16) {
                long d = (long) j * BYTES;
                FloatVector xj = x16(x, xOff + j);
                FloatVector n0 = decode16(w, o0 + d).fma(xj, a0), n1 = decode16(w, o1 + d).fma(xj, a1);
                a0 = b0;
                b0 = n0;
                a1 = b1;
                b1 = n1;
            }
            float t0 = 0f, t1 = 0f;
            for (int j = g; j < n; j++) {
                t0 = Math.fma(decode1(w, o0 + (long) j * BYTES), x[xOff + j], t0);
                t1 = Math.fma(decode1(w, o1 + (long) j * BYTES), x[xOff + j], t1);
            }
            out[out0] = FloatDot.reduce(a0, b0) + t0;
            out[out1] = FloatDot.reduce(a1, b1) + t1;
        }

        static FloatVector decode16(MemorySegment w, long off) {
            IntVector h = (IntVector) ShortVector.fromMemorySegment(S256, w, off, LE).convertShape(VectorOperators.S2I, I, 0);
            IntVector scaled = shl(h, 13).and(0x8FFFE000).reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
            VectorMask<Integer> special = h.and(0x7C00).compare(VectorOperators.EQ, 0x7C00);
            // + 0 quiets a NaN (sets mantissa bit 22) as float16ToFloat does; infinity stays
            return scaled.lanewise(VectorOperators.OR, 0x7F800000, special).reinterpretAsFloats()
                    .lanewise(VectorOperators.ADD, 0f, special.cast(F));
        }

        static float decode1(MemorySegment w, long off) {
            return WeightBytes.f16(w, off);
        }
    }

    /** bfloat16 is the top half of a float: sign-extend to int and shift left 16. */
    static final class BF16Kernel implements WeightKernel {
        private static final int BYTES = 2;

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
        public void dequantizeSplit(MemorySegment w, long offset, MemorySegment dst, long a, long b, int n, float[] scratch) {
            // 16 values at a time, alternately to the two halves: one decode16 call site
            for (int j = 0; j < n; j += 16) {
                long to = ((j & 16) == 0 ? a : b) + 2L * (j & ~31);
                decode16(w, offset + (long) j * 2).intoMemorySegment(dst, to, ByteOrder.LITTLE_ENDIAN);
            }
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

        @Override
        public boolean pairsRows() {
            return true;
        }

        @Override
        public void dot2(MemorySegment w, long o0, long o1, float[] x, int xOff, int n, float[] out, int out0, int out1) {
            FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0;
            int g = n - n % FloatDot.GROUP;
            // 16 values of each row per pass (two decode sites: more would exceed what C2 inlines),
            // swapping the accumulators so that values 16-31 of each group go to b; g is a multiple
            // of 32, so the roles are back in place after the loop.
            for (int j = 0; j < g; j += 16) {
                long d = (long) j * BYTES;
                FloatVector xj = x16(x, xOff + j);
                FloatVector n0 = decode16(w, o0 + d).fma(xj, a0), n1 = decode16(w, o1 + d).fma(xj, a1);
                a0 = b0;
                b0 = n0;
                a1 = b1;
                b1 = n1;
            }
            float t0 = 0f, t1 = 0f;
            for (int j = g; j < n; j++) {
                t0 = Math.fma(decode1(w, o0 + (long) j * BYTES), x[xOff + j], t0);
                t1 = Math.fma(decode1(w, o1 + (long) j * BYTES), x[xOff + j], t1);
            }
            out[out0] = FloatDot.reduce(a0, b0) + t0;
            out[out1] = FloatDot.reduce(a1, b1) + t1;
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
