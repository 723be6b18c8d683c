package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import dev.cria.tensor.PaddedArrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
     * IEEE half precision. The Vector API has no half-to-float conversion, but C2 compiles a plain
     * loop over {@link Float#float16ToFloat} to {@code vcvtph2ps}, 16 halves per instruction: one
     * thread, in L2, 1.6 cycles per 16 values, against 7.7 for the exact bit-manipulating decode in
     * Vector API operations that this kernel used before (nine per 16 values) and 8.0 for its whole
     * fused decode-and-dot. So rows are decoded a chunk at a time by that loop into a per-thread
     * scratch, and the dot runs over the floats there: the same floats, the same {@link FloatDot}
     * order, the same bits.
     */
    static final class F16Kernel implements WeightKernel, RowRangeKernel {
        private static final int BYTES = 2;
        private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED;
        /** Values of each row decoded per step: two rows' floats (4 KB) stay in L1. */
        static final int CHUNK = 512;

        @Override
        public GgmlType type() {
            return GgmlType.F16;
        }

        /** The batched path decodes through this too (WeightKernel's default dequantizeSplit: here, then split). */
        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int n) {
            for (int j = 0; j < n; j++) dst[dstOff + j] = Float.float16ToFloat(w.get(HALF, offset + (long) j * BYTES));
        }

        /** One row as a pair with itself; the result goes through this thread's sums scratch. */
        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
            RowPrep s = RowPrep.forThread(n);
            rowPair(w, offset, offset, x, xOff, n, s.f16Rows(CHUNK), s.sums, PaddedArrays.PAD, PaddedArrays.PAD);
            return s.sums[PaddedArrays.PAD];
        }

        /** Rows in pairs (r and r + half of the range, the far-apart order); an odd last row is paired with itself. */
        @Override
        public void dotRows(MemorySegment w, long rowBytes, int from, int to, float[] x, int xOff, int n, float[] out, int outOff) {
            float[] buf = RowPrep.forThread(n).f16Rows(CHUNK);
            for (int k = 0, pairs = MatMul.rowPairs(from, to); k < pairs; k++) {
                int r0 = MatMul.pairFirst(from, to, k), r1 = MatMul.pairSecond(from, to, k);
                rowPair(w, r0 * rowBytes, r1 * rowBytes, x, xOff, n, buf, out, outOff + r0, outOff + r1);
            }
        }

        /**
         * The rows at {@code o0} and {@code o1}, a chunk of {@link #CHUNK} values at a time: both
         * chunks decoded into {@code buf} (from {@code PAD} on), then multiplied with the activations,
         * loaded once for both rows, in FloatDot's order (values 0-15 of every 32 to a, 16-31 to b).
         */
        private void rowPair(MemorySegment w, long o0, long o1, float[] x, int xOff, int n, float[] buf, float[] out, int out0, int out1) {
            int g = n - n % FloatDot.GROUP;
            FloatVector a0 = FloatVector.zero(F), b0 = a0, a1 = a0, b1 = a0;
            for (int c = 0; c < g; c += CHUNK) {
                int m = Math.min(CHUNK, g - c);
                dequantize(w, o0 + (long) c * BYTES, buf, PaddedArrays.PAD, m);
                dequantize(w, o1 + (long) c * BYTES, buf, PaddedArrays.PAD + CHUNK, m);
                for (int j = 0; j < m; j += FloatDot.GROUP) {
                    int d = PaddedArrays.PAD + j;
                    FloatVector y = x16(x, xOff + c + j), z = x16(x, xOff + c + j + 16);
                    a0 = x16(buf, d).fma(y, a0);
                    b0 = x16(buf, d + 16).fma(z, b0);
                    a1 = x16(buf, d + CHUNK).fma(y, a1);
                    b1 = x16(buf, d + CHUNK + 16).fma(z, b1);
                }
            }
            float t0 = 0f, t1 = 0f;
            for (int j = g; j < n; j++) {
                t0 = Math.fma(WeightBytes.f16(w, o0 + (long) j * BYTES), x[xOff + j], t0);
                t1 = Math.fma(WeightBytes.f16(w, o1 + (long) j * BYTES), x[xOff + j], t1);
            }
            out[out0] = FloatDot.reduce(a0, b0) + t0;
            out[out1] = FloatDot.reduce(a1, b1) + t1;
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
