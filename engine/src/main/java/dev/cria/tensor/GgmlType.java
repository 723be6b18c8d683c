package dev.cria.tensor;

/**
 * The GGUF/ggml tensor types Cria reads, with their ids from ggml.h ({@code enum ggml_type})
 * and their block layout ({@code ggml_type_traits}: values per block, bytes per block).
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    BF16(30, 1, 2);

    /** The id in ggml.h / the GGUF tensor info. */
    public final int id;
    /** Values per block. */
    public final int blockSize;
    /** Bytes per block. */
    public final int blockBytes;

    GgmlType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** The type with this ggml id, or null when Cria does not support it. */
    public static GgmlType byId(int id) {
        for (GgmlType t : values()) if (t.id == id) return t;
        return null;
    }

    /** Bytes taken by {@code n} values; {@code n} must be a multiple of the block size. */
    public long bytesFor(long n) {
        if (n % blockSize != 0) {
            throw new IllegalArgumentException(n + " values is not a multiple of " + name() + "'s block size " + blockSize);
        }
        return n / blockSize * blockBytes;
    }

    public boolean isQuantized() {
        return blockSize > 1;
    }
}
