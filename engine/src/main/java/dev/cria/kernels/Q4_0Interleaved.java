package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.function.LongConsumer;

/**
 * Q4_0 weights rearranged once at load for the integer kernels ({@link Q4_0InterleavedDot}):
 * {@link WeightMatrix.Layout#Q4_0_INTERLEAVED}, groups of {@value #ROWS} rows interleaved value by
 * value. For group g (rows 32g .. 32g + 31) and block b (values 32b .. 32b + 31), at byte
 * {@code (g * nb + b) * 640}:
 * <pre>
 *   float32 d[32]        the 32 rows' scales of block b, converted from f16 (exact)
 *   u8      qs[16][32]   qs[j][r] = byte j of row r's block_q4_0 (value j: low nibble, j + 16: high)
 * </pre>
 * 20 bytes per 32 values (the file's 18, with d as float32). Why: 32 bytes {@code qs[j]} widened to 32
 * int16 lanes hold value j of 32 rows, lane = row, so one activation value broadcast multiplies
 * 32 rows at once and the block's sums accumulate lane by lane, with no horizontal sums and one
 * int-to-float conversion and FMA per 32 rows and block. llama.cpp's CPU backend interleaves rows
 * for the same reason (ggml-cpu/repack.cpp, {@code block_q4_0x8}: eight rows, for its dot-product
 * instructions, which the Vector API does not reach).
 *
 * <p>Rows are not contiguous here, so the generic {@link WeightKernel} of this layout
 * ({@link #ROW_KERNEL}) decodes a row from its group value by value: right for the embedding
 * lookup and any route that reads a few rows, slow for a matmul. The engine multiplies these
 * matrices only through {@link Q8MatMul}.
 */
public final class Q4_0Interleaved {
    /** Rows per group: one int16 lane each in a 512-bit vector. */
    public static final int ROWS = InterleavedCopy.ROWS;
    /** Bytes of one group's block: 32 float32 scales and 32 x 16 quant bytes. */
    static final int GROUP_BLOCK_BYTES = 4 * ROWS + 16 * ROWS;
    /** Byte offset of the quants within a group's block. */
    static final int QUANTS = 4 * ROWS;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Decodes single rows (embedding lookup, tests): scalar, exact. */
    static final WeightKernel ROW_KERNEL = new RowKernel();
    /** The integer kernels ({@link Q4_0InterleavedDot}) over activations in block_q8_0 ({@link Q8Activations#prepareRows}). */
    static final RowGroupKernel KERNEL = new IntKernel();

    private Q4_0Interleaved() {
    }

    /**
     * Whether a Q4_0 matrix of this shape can be interleaved: whole groups of rows and whole blocks
     * per row (every Llama 3 matrix: 512 .. 128256 rows).
     */
    public static boolean supports(int rows, int cols) {
        return rows % ROWS == 0 && rows > 0 && cols % 32 == 0 && cols > 0;
    }

    /** Byte offset of group {@code g}'s first block in a matrix of {@code nb} blocks per row. */
    static long groupOffset(int g, int nb) {
        return (long) g * nb * GROUP_BLOCK_BYTES;
    }

    /**
     * {@code m} (Q4_0, file layout) copied into new memory of {@code arena} in the interleaved
     * layout ({@link InterleavedCopy#copy}: progress and release of the source as there).
     */
    public static WeightMatrix repack(WeightMatrix m, Arena arena, boolean releaseSource, LongConsumer sourceBytesDone) {
        int nb = m.cols() / 32;
        int srcRow = (int) m.rowBytes();
        // A group's 32 source rows are contiguous: one bulk copy in, the transposition in Java arrays,
        // one bulk copy out (small MemorySegment copies per block took about 1.5 s more for 1B).
        byte[] in = new byte[ROWS * srcRow];
        byte[] out = new byte[nb * GROUP_BLOCK_BYTES];
        return InterleavedCopy.copy(m, GgmlType.Q4_0, WeightMatrix.Layout.Q4_0_INTERLEAVED, supports(m.rows(), m.cols()), arena, releaseSource, sourceBytesDone,
                (src, g, dst) -> {
                    MemorySegment.copy(src, ValueLayout.JAVA_BYTE, (long) g * ROWS * srcRow, in, 0, in.length);
                    for (int b = 0; b < nb; b++) {
                        int o = b * GROUP_BLOCK_BYTES;
                        for (int r = 0; r < ROWS; r++) {
                            int s = r * srcRow + 18 * b;
                            InterleavedCopy.putF32(out, o + 4 * r, InterleavedCopy.f16(in, s));
                            for (int j = 0; j < 16; j++) out[o + QUANTS + ROWS * j + r] = in[s + 2 + j];
                        }
                    }
                    MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_BYTE, groupOffset(g, nb), out.length);
                });
    }

    /** {@link RowGroupKernel} over {@link Q4_0InterleavedDot} (without AVX-512 {@link Q4_0InterleavedDot256}: the same bits): a token's values at {@code t * cols}, its block scales at {@code t * cols / 32}. */
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
            return 0;
        }

        @Override
        public void group(MemorySegment w, int cols, int g, Q8Activations x, int t, float[] out, int outOff, int[] scratch) {
            int nb = cols / 32;
            if (WIDE) Q4_0InterleavedDot.group(w, groupOffset(g, nb), x.qR, t * cols, x.dR, x.biasR, t * nb, nb, out, outOff);
            else Q4_0InterleavedDot256.group(w, groupOffset(g, nb), x.qR, t * cols, x.dR, x.biasR, t * nb, nb, out, outOff);
        }

        @Override
        public void groups2(MemorySegment w, int cols, int g0, int g1, Q8Activations x, int t, float[] out, int outOff0, int outOff1, int[] scratch) {
            int nb = cols / 32;
            if (WIDE) Q4_0InterleavedDot.groups2(w, groupOffset(g0, nb), groupOffset(g1, nb), x.qR, t * cols, x.dR, x.biasR, t * nb, nb, out, outOff0, outOff1);
            else Q4_0InterleavedDot256.groups2(w, groupOffset(g0, nb), groupOffset(g1, nb), x.qR, t * cols, x.dR, x.biasR, t * nb, nb, out, outOff0, outOff1);
        }

        @Override
        public void group4(MemorySegment w, int cols, int g, Q8Activations x, int t, float[] out, int outOff, int outStride, int[] scratch) {
            int nb = cols / 32;
            if (WIDE) Q4_0InterleavedDot.group4(w, groupOffset(g, nb), x.qR, t * cols, cols, x.dR, x.biasR, t * nb, nb, out, outOff, outStride);
            else Q4_0InterleavedDot256.group4(w, groupOffset(g, nb), x.qR, t * cols, cols, x.dR, x.biasR, t * nb, nb, out, outOff, outStride);
        }
    }

    /**
     * Rows of the interleaved layout through the generic interface: {@code offset} is
     * {@link WeightMatrix#rowOffset row r's offset} ({@code r * rowBytes}, 20 bytes per block) and
     * {@code n} the whole row, from which the row's group and lane follow. {@code (q - 8) * d} as
     * ggml's dequantize_row_q4_0; {@link #dot} in double, as {@link ScalarKernels}.
     */
    private static final class RowKernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q4_0;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int n) {
            int nb = n / 32;
            long r = offset / (20L * nb);
            int lane = (int) (r % ROWS);
            long o = groupOffset((int) (r / ROWS), nb);
            for (int b = 0; b < nb; b++, o += GROUP_BLOCK_BYTES) {
                float d = w.get(F32, o + 4L * lane);
                for (int j = 0; j < 16; j++) {
                    int q = w.get(ValueLayout.JAVA_BYTE, o + QUANTS + (long) ROWS * j + lane) & 0xFF;
                    dst[dstOff + 32 * b + j] = ((q & 0xF) - 8) * d;
                    dst[dstOff + 32 * b + j + 16] = ((q >>> 4) - 8) * d;
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
