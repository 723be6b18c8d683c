package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import dev.cria.tensor.WeightMatrix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.LongConsumer;

/**
 * Q6_K weights rearranged once at load for the integer kernels ({@link Q6_KInterleavedDot}):
 * {@link WeightMatrix.Layout#Q6_K_INTERLEAVED}, groups of {@value #ROWS} rows interleaved value by
 * value, as {@link Q4_0Interleaved}. For group g (rows 32g .. 32g + 31) and super-block b (values
 * 256b .. 256b + 255), at byte {@code (g * nb + b) * 6784}:
 * <pre>
 *   float32 d[32]              the 32 rows' super-block scales, converted from f16 (exact)
 *   then 4 chunks t = 0..3 of 1664 bytes, in order:
 *     int8  sc[4][32]          sc[k][r] = scale of row r's values 16 (t + 4k) .. 16 (t + 4k) + 15
 *     then 16 runs l = 0..15 of 96 bytes, for j = 16t + l:
 *       u8  a[32]              a[r] = q(j)       | (q(j + 192)      &amp; 3) &lt;&lt; 6   (q of row r)
 *       u8  b[32]              b[r] = q(j + 64)  | (q(j + 192) &gt;&gt; 2 &amp; 3) &lt;&lt; 6
 *       u8  c[32]              c[r] = q(j + 128) | (q(j + 192) &gt;&gt; 4)     &lt;&lt; 6
 * </pre>
 * 212 bytes per row and 256 values (the file's 210, with d as float32). A value's 6-bit q is as in
 * ggml's block_q6_K, value {@code d * sc * (q - 32)}. Why: the kernels read a group's super-block
 * front to back, one memory stream (the hardware prefetcher follows it: the earlier layout, ql, qh
 * and the scales in separate arrays, read as three streams and qh twice, cost 9.5 cycles per 32
 * weights streaming from memory against 5.0 in cache); 32 bytes {@code a}, {@code b}, {@code c}
 * of a run are values j, j + 64, j + 128, j + 192 of 32 rows (in scale groups t, t + 4, t + 8,
 * t + 12): three of them one mask each ({@code & 0x3F}), the fourth two bits from each byte,
 * 11 byte operations for the four instead of 17 with separate 4-bit and 2-bit arrays.
 *
 * <p>Rows are not contiguous here, so the generic {@link WeightKernel} of this layout
 * ({@link #ROW_KERNEL}) decodes a row from its group value by value: right for the embedding
 * lookup (the 1B model's tied embedding is such a matrix), slow for a matmul. The engine
 * multiplies these matrices only through {@link Q8MatMul}.
 */
public final class Q6_KInterleaved {
    /** Rows per group: one int16 lane each in a 512-bit vector. */
    public static final int ROWS = InterleavedCopy.ROWS;
    /** Bytes per row and super-block of 256 values. */
    public static final int ROW_BLOCK_BYTES = 212;
    /** Bytes of one group's super-block. */
    static final int GROUP_BLOCK_BYTES = ROW_BLOCK_BYTES * ROWS;
    /** Byte offsets within a group's super-block: the first chunk, a chunk's length, a run's offset in its chunk and length. */
    static final int CHUNK0 = 4 * ROWS, CHUNK = 4 * ROWS + 16 * 3 * ROWS, RUN0 = 4 * ROWS, RUN = 3 * ROWS;
    /** Decodes single rows (embedding lookup, tests): scalar, exact. */
    static final WeightKernel ROW_KERNEL = new RowKernel();
    /** The integer kernels ({@link Q6_KInterleavedDot}) over activations in block_q8_K ({@link Q8Activations#prepare}). */
    static final RowGroupKernel KERNEL = new IntKernel();

    private Q6_KInterleaved() {
    }

    /** Whether a Q6_K matrix of this shape can be interleaved: whole groups of rows and whole super-blocks per row. */
    public static boolean supports(int rows, int cols) {
        return rows % ROWS == 0 && rows > 0 && cols % 256 == 0 && cols > 0;
    }

    /** Byte offset of group {@code g}'s first super-block in a matrix of {@code nb} super-blocks per row. */
    static long groupOffset(int g, int nb) {
        return (long) g * nb * GROUP_BLOCK_BYTES;
    }

    /** The 6-bit q (0..63) of value {@code i} (0..255) of a block_q6_K at {@code o}: ggml's dequantize_row_q6_K. */
    static int fileQ(MemorySegment w, long o, int i) {
        int n = i / 128, k = (i % 128) / 32, l = i % 32;
        int ql = WeightBytes.u8(w, o + 64L * n + 32L * (k & 1) + l);
        int lo = k < 2 ? ql & 0xF : ql >>> 4;
        int hi = (WeightBytes.u8(w, o + 128 + 32L * n + l) >>> (2 * k)) & 3;
        return lo | hi << 4;
    }

    /**
     * {@code m} (Q6_K, file layout) copied into new memory of {@code arena} in the interleaved
     * layout ({@link InterleavedCopy#copy}: progress and release of the source as there).
     */
    public static WeightMatrix repack(WeightMatrix m, Arena arena, boolean releaseSource, LongConsumer sourceBytesDone) {
        int nb = m.cols() / 256;
        int srcRow = (int) m.rowBytes();
        // As Q4_0Interleaved.repack: a group's 32 source rows in one bulk copy, the layout built in a
        // Java array, one bulk copy out; each output byte written once (a read-modify-write per
        // value and small copies per row and super-block took about twice as long to load).
        byte[] in = new byte[ROWS * srcRow];
        byte[] out = new byte[nb * GROUP_BLOCK_BYTES];
        byte[] q = new byte[256];
        return InterleavedCopy.copy(m, GgmlType.Q6_K, WeightMatrix.Layout.Q6_K_INTERLEAVED, supports(m.rows(), m.cols()), arena, releaseSource, sourceBytesDone,
                (src, g, dst) -> {
                    MemorySegment.copy(src, ValueLayout.JAVA_BYTE, (long) g * ROWS * srcRow, in, 0, in.length);
                    for (int b = 0; b < nb; b++) {
                        int o = b * GROUP_BLOCK_BYTES;
                        for (int r = 0; r < ROWS; r++) {
                            int s = r * srcRow + 210 * b;
                            InterleavedCopy.putF32(out, o + 4 * r, InterleavedCopy.f16(in, s + 208));
                            for (int k = 0; k < 16; k++) out[o + scales(k) + r] = in[s + 192 + k];
                            // ggml's block_q6_K: per half n (128 values), value 32k + l (k = 0..3) has its low 4 bits in
                            // nibble k / 2 of ql[64n + 32 (k % 2) + l] and its high 2 bits at 2k of qh[32n + l]
                            for (int n = 0; n < 2; n++) {
                                for (int l = 0; l < 32; l++) {
                                    int a = in[s + 64 * n + l] & 0xFF, c = in[s + 64 * n + 32 + l] & 0xFF, h = in[s + 128 + 32 * n + l] & 0xFF;
                                    int i = 128 * n + l;
                                    q[i] = (byte) ((a & 0xF) | (h & 3) << 4);
                                    q[i + 32] = (byte) ((c & 0xF) | (h >>> 2 & 3) << 4);
                                    q[i + 64] = (byte) ((a >>> 4) | (h >>> 4 & 3) << 4);
                                    q[i + 96] = (byte) ((c >>> 4) | (h >>> 6) << 4);
                                }
                            }
                            for (int j = 0; j < 64; j++) {
                                int q3 = q[j + 192], at = o + run(j) + r;
                                out[at] = (byte) (q[j] | (q3 & 3) << 6);
                                out[at + ROWS] = (byte) (q[j + 64] | (q3 >>> 2 & 3) << 6);
                                out[at + 2 * ROWS] = (byte) (q[j + 128] | (q3 >>> 4) << 6);
                            }
                        }
                    }
                    MemorySegment.copy(out, 0, dst, ValueLayout.JAVA_BYTE, groupOffset(g, nb), out.length);
                });
    }

    /** Offset in a group's super-block of the run of values j, j + 64, j + 128, j + 192 (j = 0..63). */
    static int run(int j) {
        return CHUNK0 + CHUNK * (j >> 4) + RUN0 + RUN * (j & 15);
    }

    /** Offset in a group's super-block of the rows' scales of values 16g .. 16g + 15. */
    static int scales(int g) {
        return CHUNK0 + CHUNK * (g & 3) + ROWS * (g >> 2);
    }

    /** Row {@code lane}'s 6-bit q of value {@code i} of the group super-block at {@code o}. */
    static int q(MemorySegment w, long o, int lane, int i) {
        long at = o + run(i & 63) + lane;
        int k = i >> 6;
        if (k < 3) return WeightBytes.u8(w, at + (long) ROWS * k) & 0x3F;
        return WeightBytes.u8(w, at) >>> 6 | (WeightBytes.u8(w, at + ROWS) >>> 6) << 2 | (WeightBytes.u8(w, at + 2 * ROWS) >>> 6) << 4;
    }

    /** {@link RowGroupKernel} over {@link Q6_KInterleavedDot} (without AVX-512 {@link Q6_KInterleavedDot256}: the same bits): a token's values at {@code t * cols}, its block scales at {@code t * cols / 256}. */
    private static final class IntKernel implements RowGroupKernel {
        /** The 512-bit kernels, else the 256-bit ones (the same bits): a constant, so C2 drops the other branch. */
        private static final boolean WIDE = Kernels.vectorBits() == 512;

        @Override
        public int rows() {
            return ROWS;
        }

        @Override
        public void prepare(Q8Activations x) {
            x.prepare();
        }

        @Override
        public int scratchInts() {
            return 0;
        }

        @Override
        public void group(MemorySegment w, int cols, int g, Q8Activations x, int t, float[] out, int outOff, int[] scratch) {
            int nb = cols / 256;
            if (WIDE) Q6_KInterleavedDot.group(w, groupOffset(g, nb), x.pairK, x.sum8K, t * cols, x.dK, t * nb, nb, out, outOff);
            else Q6_KInterleavedDot256.group(w, groupOffset(g, nb), x.pairK, x.sum8K, t * cols, x.dK, t * nb, nb, out, outOff);
        }

        @Override
        public void groups2(MemorySegment w, int cols, int g0, int g1, Q8Activations x, int t, float[] out, int outOff0, int outOff1, int[] scratch) {
            int nb = cols / 256;
            if (WIDE) Q6_KInterleavedDot.groups2(w, groupOffset(g0, nb), groupOffset(g1, nb), x.pairK, x.sum8K, t * cols, x.dK, t * nb, nb, out, outOff0, outOff1);
            else Q6_KInterleavedDot256.groups2(w, groupOffset(g0, nb), groupOffset(g1, nb), x.pairK, x.sum8K, t * cols, x.dK, t * nb, nb, out, outOff0, outOff1);
        }

        @Override
        public void group4(MemorySegment w, int cols, int g, Q8Activations x, int t, float[] out, int outOff, int outStride, int[] scratch) {
            int nb = cols / 256;
            if (WIDE) Q6_KInterleavedDot.group4(w, groupOffset(g, nb), x.pairK, x.sum8K, t * cols, cols, x.dK, t * nb, nb, out, outOff, outStride);
            else Q6_KInterleavedDot256.group4(w, groupOffset(g, nb), x.pairK, x.sum8K, t * cols, cols, x.dK, t * nb, nb, out, outOff, outStride);
        }
    }

    /**
     * Rows of the interleaved layout through the generic interface: {@code offset} is
     * {@link WeightMatrix#rowOffset row r's offset} ({@code r * rowBytes}) and {@code n} the whole
     * row, from which the row's group and lane follow. {@code d * sc * (q - 32)} in float32 in
     * ggml's order ({@link ScalarKernels}'s q6_K: the same bits); {@link #dot} in double.
     */
    private static final class RowKernel implements WeightKernel {
        @Override
        public GgmlType type() {
            return GgmlType.Q6_K;
        }

        @Override
        public void dequantize(MemorySegment w, long offset, float[] dst, int dstOff, int n) {
            int nb = n / 256;
            long r = offset / ((long) ROW_BLOCK_BYTES * nb);
            int lane = (int) (r % ROWS);
            long o = groupOffset((int) (r / ROWS), nb);
            for (int b = 0; b < nb; b++, o += GROUP_BLOCK_BYTES) {
                float d = w.get(WeightBytes.F32, o + 4L * lane);
                for (int i = 0; i < 256; i++) {
                    int sc = w.get(ValueLayout.JAVA_BYTE, o + scales(i / 16) + lane);
                    dst[dstOff + 256 * b + i] = d * sc * (q(w, o, lane, i) - 32);
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
