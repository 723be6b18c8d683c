package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;
import dev.cria.util.HugePages;

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
 * 20 bytes per 32 values, as {@link Q4_0Repacked}. Why: 32 bytes {@code qs[j]} widened to 32
 * int16 lanes hold value j of 32 rows, lane = row, so one activation value broadcast multiplies
 * 32 rows at once and the block's sums accumulate lane by lane, with no horizontal sums and one
 * int-to-float conversion and FMA per 32 rows and block. llama.cpp's CPU backend interleaves rows
 * for the same reason (ggml-cpu/repack.cpp, {@code block_q4_0x8}: eight rows, for its dot-product
 * instructions, which the Vector API does not reach).
 *
 * <p>Rows are not contiguous here, so the generic {@link WeightKernel} of this layout
 * ({@link #ROW_KERNEL}) decodes a row from its group value by value: right for the embedding
 * lookup and any route that reads a few rows, slow for a matmul. The engine multiplies these
 * matrices only through {@link Q8MatVec}.
 */
public final class Q4_0Interleaved {
    /** Rows per group: one int16 lane each in a 512-bit vector. */
    public static final int ROWS = 32;
    /** Bytes of one group's block: 32 float32 scales and 32 x 16 quant bytes. */
    static final int GROUP_BLOCK_BYTES = 4 * ROWS + 16 * ROWS;
    /** Byte offset of the quants within a group's block. */
    static final int QUANTS = 4 * ROWS;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Decodes single rows (embedding lookup, tests): scalar, exact. */
    static final WeightKernel ROW_KERNEL = new RowKernel();

    private Q4_0Interleaved() {
    }

    /**
     * Whether a Q4_0 matrix of this shape can be interleaved: whole groups of rows and whole blocks
     * per row (every Llama 3 matrix: 512 .. 128256 rows). The kernels are 512-bit or 256-bit ones: the loader
     * interleaves only where they run ({@link Q8MatVec#available}).
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
     * layout, telling {@code sourceBytesDone} each {@value Q4_0Repacked#REPORT_ROWS} rows' source
     * bytes; with {@code releaseSource} the source's pages are then dropped from the resident set,
     * as {@link Q4_0Repacked#repack} does.
     */
    public static WeightMatrix repack(WeightMatrix m, Arena arena, boolean releaseSource, LongConsumer sourceBytesDone) {
        if (m.type() != GgmlType.Q4_0 || m.layout() != WeightMatrix.Layout.GGML_BLOCKS || !supports(m.rows(), m.cols())) {
            throw new IllegalArgumentException(m.name() + ": only Q4_0 in its file layout with whole groups of " + ROWS
                    + " rows is interleaved, not " + m.rows() + "x" + m.cols() + " " + m.type() + " " + m.layout());
        }
        int nb = m.cols() / 32;
        long srcRow = m.rowBytes();
        MemorySegment src = m.data();
        MemorySegment dst = HugePages.allocate(arena, WeightMatrix.rowBytes(GgmlType.Q4_0, WeightMatrix.Layout.Q4_0_INTERLEAVED, m.cols()) * m.rows());
        // A group's 32 source rows are contiguous: one bulk copy in, the transposition in Java arrays,
        // one bulk copy out (small MemorySegment copies per block took about 1.5 s more for 1B).
        byte[] in = new byte[Math.toIntExact(ROWS * srcRow)];
        byte[] out = new byte[nb * GROUP_BLOCK_BYTES];
        int groupsPerReport = Q4_0Repacked.REPORT_ROWS / ROWS;
        for (int g = 0, groups = m.rows() / ROWS; g < groups; g++) {
            MemorySegment.copy(src, ValueLayout.JAVA_BYTE, g * ROWS * srcRow, in, 0, in.length);
            for (int b = 0; b < nb; b++) {
                int o = b * GROUP_BLOCK_BYTES;
                for (int r = 0; r < ROWS; r++) {
                    int s = (int) (r * srcRow) + 18 * b;
                    float d = Float.float16ToFloat((short) ((in[s] & 0xFF) | (in[s + 1] << 8)));
                    int bits = Float.floatToRawIntBits(d);
                    out[o + 4 * r] = (byte) bits;
                    out[o + 4 * r + 1] = (byte) (bits >>> 8);
                    out[o + 4 * r + 2] = (byte) (bits >>> 16);
                    out[o + 4 * r + 3] = (byte) (bits >>> 24);
                    for (int j = 0; j < 16; j++) out[o + QUANTS + ROWS * j + r] = in[s + 2 + j];
                }
            }
            MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_BYTE, groupOffset(g, nb), out.length);
            if ((g + 1) % groupsPerReport == 0 || g + 1 == groups) {
                int done = (g + 1) % groupsPerReport == 0 ? groupsPerReport : (g + 1) % groupsPerReport;
                sourceBytesDone.accept(done * ROWS * srcRow);
            }
        }
        if (releaseSource) HugePages.release(src.asSlice(0, srcRow * m.rows()));
        return new WeightMatrix(m.name(), m.type(), m.rows(), m.cols(), dst, WeightMatrix.Layout.Q4_0_INTERLEAVED);
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
