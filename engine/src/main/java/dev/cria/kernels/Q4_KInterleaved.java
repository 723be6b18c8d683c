package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.function.LongConsumer;

/**
 * Q4_K weights rearranged once at load for the integer kernels ({@link Q4_KInterleavedDot}):
 * {@link WeightMatrix.Layout#Q4_K_INTERLEAVED}, groups of {@value #ROWS} rows interleaved value by
 * value, as {@link Q4_0Interleaved} does for Q4_0. For group g (rows 32g .. 32g + 31) and
 * super-block b (values 256b .. 256b + 255), at byte {@code (g * nb + b) * 4864}:
 * <pre>
 *   u8      qs[128][32]   qs[k][r] = byte k of row r's block_q4_K qs: for k = 32t + l the low nibble is
 *                         value 64t + l (sub-block 2t), the high nibble value 64t + 32 + l (sub-block 2t + 1)
 *   float32 d[32]         the 32 rows' super-block scales, converted from f16 (exact)
 *   float32 dmin[32]      the 32 rows' super-block mins, converted from f16 (exact)
 *   u8      sc[8][32]     sc[s][r] = row r's 6-bit scale of sub-block s (ggml's get_scale_min_k4, unpacked)
 *   u8      m[8][32]      m[s][r]  = row r's 6-bit min of sub-block s
 * </pre>
 * 152 bytes per row and super-block (the file's 144, plus the scales and mins unpacked and d, dmin
 * widened to float32). Why: 32 bytes {@code qs[k]} widened to 32 int16 lanes hold one value of 32
 * rows, lane = row, so one activation value broadcast multiplies 32 rows at once; the sub-block
 * scales and mins, one byte per row side by side, widen to int32 lanes and multiply the 32 rows'
 * sub-block sums lane by lane: no horizontal sums, no per-row scale unpacking in the kernel. The
 * header (d, dmin, sc, m) follows the quants because the kernels need it only after them: a
 * super-block is read front to back, one forward stream the hardware prefetcher follows (with the
 * header first, the kernels had to touch its lines ahead of the quants; docs/benchmarks.md).
 *
 * <p>Rows are not contiguous here, so the generic {@link WeightKernel} of this layout
 * ({@link #ROW_KERNEL}) decodes a row from its group value by value, with the float operations of
 * {@link ScalarKernels}' Q4_K decoder ({@code d * sc * q - dmin * m}: the same values bit for bit):
 * right for the embedding lookup and any route that reads a few rows, slow for a matmul. The engine
 * multiplies these matrices only through {@link Q8MatMul}.
 */
public final class Q4_KInterleaved {
    /** Rows per group: one int16 lane each in a 512-bit vector. */
    public static final int ROWS = InterleavedCopy.ROWS;
    /** Values per super-block. */
    static final int QK = 256;
    /** Byte offset of the quants {@code qs[128][32]} within a group's super-block. */
    static final int QUANTS = 0;
    /** Byte offset of the super-block scales {@code d[32]}: the header follows the quants. */
    static final int D = QUANTS + 128 * ROWS;
    /** Byte offset of the mins {@code dmin[32]}. */
    static final int DMIN = D + 4 * ROWS;
    /** Byte offset of the sub-block scales {@code sc[8][32]}. */
    static final int SCALES = DMIN + 4 * ROWS;
    /** Byte offset of the sub-block mins {@code m[8][32]}. */
    static final int MINS = SCALES + 8 * ROWS;
    /** Bytes of one group's super-block. */
    static final int GROUP_BLOCK_BYTES = MINS + 8 * ROWS;
    /** Bytes per row and super-block. */
    static final int ROW_BLOCK_BYTES = GROUP_BLOCK_BYTES / ROWS;
    private static final int SRC_BLOCK_BYTES = 144;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Decodes single rows (embedding lookup, tests): scalar, exact. */
    static final WeightKernel ROW_KERNEL = new RowKernel();
    /** The integer kernels ({@link Q4_KInterleavedDot}) over activations in block_q8_0, a scale per sub-block ({@link Q8Activations#prepareRows}). */
    static final RowGroupKernel KERNEL = new IntKernel();

    private Q4_KInterleaved() {
    }

    /**
     * Whether a Q4_K matrix of this shape can be interleaved: whole groups of rows and whole
     * super-blocks per row.
     */
    public static boolean supports(int rows, int cols) {
        return rows % ROWS == 0 && rows > 0 && cols % QK == 0 && cols > 0;
    }

    /** Byte offset of group {@code g}'s first super-block in a matrix of {@code nb} super-blocks per row. */
    static long groupOffset(int g, int nb) {
        return (long) g * nb * GROUP_BLOCK_BYTES;
    }

    /**
     * {@code m} (Q4_K, file layout) copied into new memory of {@code arena} in the interleaved
     * layout ({@link InterleavedCopy#copy}: progress and release of the source as there).
     */
    public static WeightMatrix repack(WeightMatrix m, Arena arena, boolean releaseSource, LongConsumer sourceBytesDone) {
        int nb = m.cols() / QK;
        int srcRow = (int) m.rowBytes();
        // As Q4_0Interleaved.repack: a group's 32 source rows in one bulk copy, the transposition in
        // Java arrays, one bulk copy out (a copy per row and super-block took twice as long).
        byte[] in = new byte[ROWS * srcRow];
        byte[] out = new byte[nb * GROUP_BLOCK_BYTES];
        return InterleavedCopy.copy(m, GgmlType.Q4_K, WeightMatrix.Layout.Q4_K_INTERLEAVED, supports(m.rows(), m.cols()), arena, releaseSource, sourceBytesDone,
                (src, g, dst) -> {
                    MemorySegment.copy(src, ValueLayout.JAVA_BYTE, (long) g * ROWS * srcRow, in, 0, in.length);
                    for (int b = 0; b < nb; b++) {
                        int o = b * GROUP_BLOCK_BYTES;
                        for (int r = 0; r < ROWS; r++) {
                            int s = r * srcRow + SRC_BLOCK_BYTES * b;
                            InterleavedCopy.putF32(out, o + D + 4 * r, InterleavedCopy.f16(in, s));
                            InterleavedCopy.putF32(out, o + DMIN + 4 * r, InterleavedCopy.f16(in, s + 2));
                            long lo = (long) InterleavedCopy.LONG_LE.get(in, s + 4);
                            int hi = (int) InterleavedCopy.INT_LE.get(in, s + 12);
                            for (int j = 0; j < 8; j++) {
                                out[o + SCALES + ROWS * j + r] = (byte) WeightBytes.scaleMinK4(lo, hi, j, 0);
                                out[o + MINS + ROWS * j + r] = (byte) WeightBytes.scaleMinK4(lo, hi, j, 1);
                            }
                            for (int k = 0; k < 128; k++) out[o + QUANTS + ROWS * k + r] = in[s + 16 + k];
                        }
                    }
                    MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_BYTE, groupOffset(g, nb), out.length);
                });
    }

    /**
     * {@link RowGroupKernel} over {@link Q4_KInterleavedDot} (without AVX-512 {@link Q4_KInterleavedDot256}: the same bits): a token's values at {@code t * cols}, its
     * scales at {@code t * cols / 32}; the kernels' int sums in the caller's scratch.
     */
    private static final class IntKernel implements RowGroupKernel {
        /** The 512-bit kernels, else the 256-bit ones (the same bits): a constant, so C2 drops the other branch. */
        private static final boolean WIDE = Kernels.vectorBits() == 512;

        @Override
        public int rows() {
            return ROWS;
        }

        @Override
        public void prepare(Q8Activations x) {
            x.prepareRows();
        }

        @Override
        public int scratchInts() {
            return Q4_KInterleavedDot.SCRATCH;
        }

        @Override
        public void group(MemorySegment w, int cols, int g, Q8Activations x, int t, float[] out, int outOff, int[] scratch) {
            int nb = cols / QK;
            if (WIDE) Q4_KInterleavedDot.group(w, groupOffset(g, nb), x.qR, t * cols, x.dR, x.minR, t * (cols / Q4_KInterleavedDot.QB), nb, out, outOff, scratch);
            else Q4_KInterleavedDot256.group(w, groupOffset(g, nb), x.qR, t * cols, x.dR, x.minR, t * (cols / Q4_KInterleavedDot.QB), nb, out, outOff, scratch);
        }

        @Override
        public void groups2(MemorySegment w, int cols, int g0, int g1, Q8Activations x, int t, float[] out, int outOff0, int outOff1, int[] scratch) {
            int nb = cols / QK;
            if (WIDE) Q4_KInterleavedDot.groups2(w, groupOffset(g0, nb), groupOffset(g1, nb), x.qR, t * cols, x.dR, x.minR, t * (cols / Q4_KInterleavedDot.QB), nb,
                    out, outOff0, outOff1, scratch);
            else Q4_KInterleavedDot256.groups2(w, groupOffset(g0, nb), groupOffset(g1, nb), x.qR, t * cols, x.dR, x.minR, t * (cols / Q4_KInterleavedDot.QB), nb,
                    out, outOff0, outOff1, scratch);
        }

        @Override
        public void group4(MemorySegment w, int cols, int g, Q8Activations x, int t, float[] out, int outOff, int outStride, int[] scratch) {
            int nb = cols / QK;
            if (WIDE) Q4_KInterleavedDot.group4(w, groupOffset(g, nb), x.qR, t * cols, cols, x.dR, x.minR, x.biasR, t * (cols / Q4_KInterleavedDot.QB), nb,
                    out, outOff, outStride, scratch);
            else Q4_KInterleavedDot256.group4(w, groupOffset(g, nb), x.qR, t * cols, cols, x.dR, x.minR, t * (cols / Q4_KInterleavedDot.QB), nb,
                    out, outOff, outStride, scratch);
        }
    }

    /**
     * Rows of the interleaved layout through the generic interface: {@code offset} is
     * {@link WeightMatrix#rowOffset row r's offset} ({@code r * rowBytes}, 152 bytes per super-block)
     * and {@code n} the whole row, from which the row's group and lane follow. {@code d1 * q - m1}
     * with {@code d1 = d * sc}, {@code m1 = dmin * m} as ggml's dequantize_row_q4_K; {@link #dot} in
     * double, as {@link ScalarKernels}.
     */
    private static final class RowKernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q4_K;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int n) {
            int nb = n / QK;
            long r = offset / ((long) ROW_BLOCK_BYTES * nb);
            int lane = (int) (r % ROWS);
            long o = groupOffset((int) (r / ROWS), nb);
            for (int b = 0; b < nb; b++, o += GROUP_BLOCK_BYTES) {
                float d = w.get(F32, o + D + 4L * lane), dmin = w.get(F32, o + DMIN + 4L * lane);
                for (int t = 0; t < 4; t++) {
                    float d1 = d * WeightBytes.u8(w, o + SCALES + (long) ROWS * (2 * t) + lane);
                    float m1 = dmin * WeightBytes.u8(w, o + MINS + (long) ROWS * (2 * t) + lane);
                    float d2 = d * WeightBytes.u8(w, o + SCALES + (long) ROWS * (2 * t + 1) + lane);
                    float m2 = dmin * WeightBytes.u8(w, o + MINS + (long) ROWS * (2 * t + 1) + lane);
                    int i = dstOff + QK * b + 64 * t;
                    for (int l = 0; l < 32; l++) {
                        int q = WeightBytes.u8(w, o + QUANTS + (long) ROWS * (32 * t + l) + lane);
                        dst[i + l] = d1 * (q & 0xF) - m1;
                        dst[i + 32 + l] = d2 * (q >>> 4) - m2;
                    }
                }
            }
        }

        @Override
        public float dot(MemorySegment w, long offset, float[] x, int xOff, int n) {
            float[] row = new float[n];
            dequantize(w, offset, row, 0, n);
            double s = 0;
            for (int j = 0; j < n; j++) s += (double) row[j] * x[xOff + j];
            return (float) s;
        }
    }
}
