package dev.cria.tensor;

import java.lang.foreign.MemorySegment;

/**
 * A read-only 2-D weight over mmap'd bytes (never copied to the heap): {@code rows} rows of
 * {@code cols} values each, stored row after row in {@code type}'s block layout. In ggml terms
 * {@code cols = ne[0]} and {@code rows = ne[1]}; a matmul computes {@code out[r] = dot(row r, x)}.
 */
public record WeightMatrix(String name, GgmlType type, int rows, int cols, MemorySegment data) {
    public WeightMatrix {
        if (data.byteSize() < type.bytesFor((long) rows * cols)) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes is too small for "
                    + rows + "x" + cols + " " + type);
        }
    }

    /** Bytes per row. */
    public long rowBytes() {
        return type.bytesFor(cols);
    }

    /** Byte offset of row {@code r} in {@link #data()}. */
    public long rowOffset(int r) {
        return r * rowBytes();
    }
}
