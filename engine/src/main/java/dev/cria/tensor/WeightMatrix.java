package dev.cria.tensor;

import java.lang.foreign.MemorySegment;

/**
 * A read-only 2-D weight over bytes outside the heap: {@code rows} rows of {@code cols} values each,
 * stored row after row in {@code layout}. In ggml terms {@code cols = ne[0]} and {@code rows = ne[1]};
 * a matmul computes {@code out[r] = dot(row r, x)}. {@code type} is the file's quantization whatever
 * the layout: the values a row decodes to are the same.
 */
public record WeightMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data, Layout layout) {
    /** How a row's bytes are arranged. */
    public enum Layout {
        /** The type's ggml blocks as in the GGUF file (a slice of the mapping). */
        GGML_BLOCKS,
        /**
         * Q4_0 interleaved at load ({@code dev.cria.kernels.Q4_0Interleaved}) for the integer kernels:
         * groups of 32 rows, per block their 32 float32 scales, then byte j of each of the 32 rows
         * side by side (20 bytes per 32 values; rows a multiple of 32). A row is not contiguous.
         */
        Q4_0_INTERLEAVED,
        /**
         * Q4_K interleaved at load ({@code dev.cria.kernels.Q4_KInterleaved}) for the integer kernels:
         * groups of 32 rows, per super-block their 32 float32 scales and mins, unpacked 6-bit sub-block
         * scales and mins, then byte l of each of the 32 rows side by side (152 bytes per 256 values;
         * rows a multiple of 32). A row is not contiguous.
         */
        Q4_K_INTERLEAVED,
        /**
         * Q6_K interleaved at load ({@code dev.cria.kernels.Q6_KInterleaved}) for the integer kernels:
         * groups of 32 rows, per super-block their 32 float32 scales, int8 group scales, 4-bit and
         * 2-bit parts of each value side by side per row (212 bytes per 256 values; rows a multiple
         * of 32). A row is not contiguous.
         */
        Q6_K_INTERLEAVED
    }

    public WeightMatrix {
        if (layout == Layout.Q6_K_INTERLEAVED && (type != GgmlType.Q6_K || rows % 32 != 0 || cols % 256 != 0)) {
            throw new IllegalArgumentException(name + ": the " + layout + " layout holds Q6_K in whole groups of 32 rows and super-blocks, not "
                    + rows + "x" + cols + " " + type);
        }
        GgmlType holds = layout == Layout.Q4_K_INTERLEAVED ? GgmlType.Q4_K : GgmlType.Q4_0;
        if (layout != Layout.GGML_BLOCKS && layout != Layout.Q6_K_INTERLEAVED && type != holds) {
            throw new IllegalArgumentException(name + ": the " + layout + " layout holds " + holds + ", not " + type);
        }
        if ((layout == Layout.Q4_0_INTERLEAVED || layout == Layout.Q4_K_INTERLEAVED) && rows % 32 != 0) {
            throw new IllegalArgumentException(name + ": the " + layout + " layout holds whole groups of 32 rows, not " + rows);
        }
        if (data.byteSize() < rowBytes(type, layout, cols) * rows) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes is too small for "
                    + rows + "x" + cols + " " + type + " in " + layout);
        }
    }

    /** A weight in its file's ggml block layout. */
    public WeightMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data) {
        this(name, type, rows, cols, data, Layout.GGML_BLOCKS);
    }

    /** Bytes per row of {@code cols} values of {@code type} in {@code layout}. */
    public static long rowBytes(GgmlType type, Layout layout, int cols) {
        return switch (layout) {
            case GGML_BLOCKS -> type.bytesFor(cols);
            case Q4_0_INTERLEAVED -> type.bytesFor(cols) / type.blockBytes * 20;
            case Q4_K_INTERLEAVED -> type.bytesFor(cols) / type.blockBytes * 152;
            case Q6_K_INTERLEAVED -> type.bytesFor(cols) / type.blockBytes * 212;
        };
    }

    /** Bytes per row. */
    public long rowBytes() {
        return rowBytes(type, layout, cols);
    }

    /** Bytes of all rows (what one pass over the weight reads). */
    public long byteSize() {
        return rowBytes() * rows;
    }

    /** Byte offset of row {@code r} in {@link #data()}. */
    public long rowOffset(int r) {
        return r * rowBytes();
    }
}
