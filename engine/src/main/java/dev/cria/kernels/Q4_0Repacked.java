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
 * Q4_0 weights rearranged once at load into a layout made for the kernels
 * ({@link WeightMatrix.Layout#Q4_0_REPACKED}). A row of {@code nb = cols / 32} ggml blocks
 * ({@code block_q4_0 {half d; u8 qs[16]}}, 18 bytes each, nothing aligned) becomes
 * <pre>
 *   float32 d[nb]        the blocks' scales, converted from f16 (exact: GGML_FP16_TO_FP32)
 *   u8      qs[nb][16]   the blocks' quant bytes, unchanged (value j: low nibble of qs[j], j+16: high)
 * </pre>
 * 20 bytes per 32 values. Why: the one-token kernel on the file layout first ran a scalar pass over
 * each row converting its f16 scales (it also pulled the row into cache), then the vector loop read
 * 16 quant bytes at an 18-byte stride; here the scales are ready to broadcast and the quants are one
 * contiguous stream. The decoded values are the same floats: {@code (q - 8) * d} with the same d.
 * llama.cpp repacks Q4_0 at load too (ggml-cpu/repack.cpp, block_q4_0x8: eight rows interleaved for
 * its GEMM kernels); this layout keeps rows apart so every route of {@link MatMul} (a row range, a
 * token group, the tile decode) reads a row at {@code r * rowBytes} as before.
 */
public final class Q4_0Repacked {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Q4_0Repacked() {
    }

    /** Whether the engine repacks Q4_0 at load: with the 512-bit kernels only (the 256-bit ones read the file layout). */
    public static boolean enabled() {
        return Kernels.vectorBits() == 512;
    }

    /** Byte offset, from the row's start, of block {@code k}'s quants in a row of {@code nb} blocks. */
    /** Rows between progress reports: a 1B model's embedding (128256 rows) reports 32 times, not once. */
    public static final int REPORT_ROWS = 4096;

    static long quants(int nb, int k) {
        return 4L * nb + 16L * k;
    }

    /**
     * {@code m} (Q4_0, file layout) copied into new memory of {@code arena} in the repacked layout.
     * With {@code releaseSource}, the source's whole pages are then dropped from this process's
     * resident set ({@code madvise(MADV_DONTNEED)}; a file mapping reads them back from the file if
     * touched again), so the weights are not resident twice.
     */
    public static WeightMatrix repack(WeightMatrix m, Arena arena, boolean releaseSource) {
        return repack(m, arena, releaseSource, bytes -> {
        });
    }

    /** {@link #repack(WeightMatrix, Arena, boolean)}, telling {@code sourceBytesDone} each {@value #REPORT_ROWS} rows' source bytes. */
    public static WeightMatrix repack(WeightMatrix m, Arena arena, boolean releaseSource, LongConsumer sourceBytesDone) {
        if (m.type() != GgmlType.Q4_0 || m.layout() != WeightMatrix.Layout.GGML_BLOCKS) {
            throw new IllegalArgumentException(m.name() + ": only Q4_0 in its file layout is repacked, not " + m.type() + " " + m.layout());
        }
        int nb = m.cols() / 32;
        long srcRow = m.rowBytes(), dstRow = WeightMatrix.rowBytes(GgmlType.Q4_0, WeightMatrix.Layout.Q4_0_REPACKED, m.cols());
        MemorySegment src = m.data();
        MemorySegment dst = HugePages.allocate(arena, dstRow * m.rows());
        for (long r0 = 0; r0 < m.rows(); r0 += REPORT_ROWS) {
            long r1 = Math.min(m.rows(), r0 + REPORT_ROWS);
            for (long r = r0; r < r1; r++) {
                long s = r * srcRow, d = r * dstRow;
                for (int k = 0; k < nb; k++, s += 18) {
                    dst.set(F32, d + 4L * k, WeightBytes.f16(src, s));
                    MemorySegment.copy(src, s + 2, dst, d + quants(nb, k), 16);
                }
            }
            sourceBytesDone.accept((r1 - r0) * srcRow);
        }
        if (releaseSource) HugePages.release(src.asSlice(0, srcRow * m.rows()));
        return new WeightMatrix(m.name(), m.type(), m.rows(), m.cols(), dst, WeightMatrix.Layout.Q4_0_REPACKED);
    }
}
