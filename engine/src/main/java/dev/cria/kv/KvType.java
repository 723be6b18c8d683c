package dev.cria.kv;

/** How keys and values are stored (--kv-type). */
public enum KvType {
    /** float32: exact. */
    F32,
    /** float16: half the memory, values rounded to 11 significant bits. */
    F16,
    /** ggml's Q8_0 layout per 32 values (one scale, 32 int8): about a quarter of f32, for long contexts. */
    Q8_0;

    /** Bytes one token's row of {@code kvDim} values takes (keys or values, one layer). */
    public long bytesPerRow(int kvDim) {
        return switch (this) {
            case F32 -> 4L * kvDim;
            case F16 -> 2L * kvDim;
            case Q8_0 -> kvDim + 4L * (kvDim / 32); // 32-value blocks (16 for heads of 16)
        };
    }
}
