package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;
import dev.cria.util.HugePages;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.function.LongConsumer;

/**
 * The load-time copy shared by the interleaved layouts ({@link Q4_0Interleaved},
 * {@link Q4_KInterleaved}, {@link Q6_KInterleaved}): a matrix in its file layout copied group of
 * {@value #ROWS} rows by group into new memory, with progress reports and the source's pages
 * released; each layout writes its groups.
 */
final class InterleavedCopy {
    /** Rows per group in every interleaved layout: one int16 lane each in a 512-bit vector. */
    static final int ROWS = 32;
    /** Rows between progress reports: a 1B model's embedding (128256 rows) reports 32 times, not once. */
    static final int REPORT_ROWS = 4096;
    /** Little-endian int32 and int64 access to byte arrays (the repacks read and write their arrays through them). */
    static final VarHandle INT_LE = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    static final VarHandle LONG_LE = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    /** Writes group {@code g} of {@code src} (file layout) at its place in {@code dst}. */
    @FunctionalInterface
    interface GroupWriter {
        void write(MemorySegment src, int g, MemorySegment dst);
    }

    private InterleavedCopy() {
    }

    /** The little-endian f16 at {@code a[off]} as a float (a block's scale in the file layout). */
    static float f16(byte[] a, int off) {
        return Float.float16ToFloat((short) ((a[off] & 0xFF) | a[off + 1] << 8));
    }

    /** {@code v} as a little-endian float32 at {@code a[off]} (a scale in an interleaved layout). */
    static void putF32(byte[] a, int off, float v) {
        INT_LE.set(a, off, Float.floatToRawIntBits(v));
    }

    /**
     * {@code m} ({@code type}, file layout, a shape {@code supported} by {@code layout}) copied into
     * new memory of {@code arena} in {@code layout} by {@code writer}, telling
     * {@code sourceBytesDone} each {@value #REPORT_ROWS} rows' source bytes; with
     * {@code releaseSource} the source's whole pages are then dropped from this process's resident
     * set ({@code madvise(MADV_DONTNEED)}; a file mapping reads them back if touched again), so the
     * weights are not resident twice.
     */
    static WeightMatrix copy(WeightMatrix m, GgmlType type, WeightMatrix.Layout layout, boolean supported, Arena arena,
                             boolean releaseSource, LongConsumer sourceBytesDone, GroupWriter writer) {
        if (m.type() != type || m.layout() != WeightMatrix.Layout.GGML_BLOCKS || !supported) {
            throw new IllegalArgumentException(m.name() + ": only " + type + " in its file layout with whole groups of " + ROWS
                    + " rows is interleaved, not " + m.rows() + "x" + m.cols() + " " + m.type() + " " + m.layout());
        }
        long srcRow = m.rowBytes();
        MemorySegment src = m.data();
        MemorySegment dst = HugePages.allocate(arena, WeightMatrix.rowBytes(type, layout, m.cols()) * m.rows());
        int groupsPerReport = REPORT_ROWS / ROWS;
        for (int g = 0, groups = m.rows() / ROWS; g < groups; g++) {
            writer.write(src, g, dst);
            if ((g + 1) % groupsPerReport == 0 || g + 1 == groups) {
                int done = (g + 1) % groupsPerReport == 0 ? groupsPerReport : (g + 1) % groupsPerReport;
                sourceBytesDone.accept(done * ROWS * srcRow);
            }
        }
        if (releaseSource) HugePages.release(src.asSlice(0, srcRow * m.rows()));
        return new WeightMatrix(m.name(), m.type(), m.rows(), m.cols(), dst, layout);
    }
}
