package dev.cria.tensor;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One tensor as the loader sees it, whatever file it came from: its GGUF name, ggml type, ggml dims
 * ({@code ne[0]} is the row length, the fastest-varying dim) and its bytes, a slice of a mapped file
 * (never copied to the heap). A Hugging Face {@code [out, in]} weight is {@code ne = [in, out]}.
 */
public record TensorData(String name, GgmlType type, long[] ne, MemorySegment data) {
    public TensorData {
        if (ne.length < 1 || ne.length > 4) throw new IllegalArgumentException(name + ": " + ne.length + " dims (1..4 allowed)");
        long n = 1;
        for (long d : ne) {
            if (d < 0) throw new IllegalArgumentException(name + ": negative dim in " + Arrays.toString(ne));
            n = Math.multiplyExact(n, d);
        }
        if (data.byteSize() != type.bytesFor(n)) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes, but " + Arrays.toString(ne) + " "
                    + type + " takes " + type.bytesFor(n));
        }
    }

    /** Number of values (product of the dims). */
    public long elementCount() {
        long n = 1;
        for (long d : ne) n *= d;
        return n;
    }

    /** Values per row, {@code ne[0]}. */
    public long rowLength() {
        return ne[0];
    }

    /** Number of rows: the product of {@code ne[1..]} (1 for a vector). */
    public long rowCount() {
        return elementCount() / Math.max(1, ne[0]);
    }

    /** This tensor as a 2-D weight ({@code cols = ne[0]}, {@code rows = ne[1]*ne[2]*ne[3]}). */
    public WeightMatrix asMatrix() {
        if (ne[0] > Integer.MAX_VALUE || rowCount() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": " + Arrays.toString(ne) + " is too large for a WeightMatrix");
        }
        return new WeightMatrix(name, type, (int) rowCount(), (int) ne[0], data);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + Arrays.toString(ne);
    }
}
