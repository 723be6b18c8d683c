package dev.cria.kernels;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Little-endian reads of the scalar fields of ggml blocks (GGUF data is little-endian,
 * blocks are packed so nothing is aligned).
 */
final class WeightBytes {
    static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private WeightBytes() {
    }

    /** An IEEE half at {@code off}, as ggml's GGML_FP16_TO_FP32 (exact, subnormals included). */
    static float f16(MemorySegment w, long off) {
        return Float.float16ToFloat(w.get(I16, off));
    }

    /** A bfloat16 at {@code off}: the top half of a float32 (ggml's GGML_BF16_TO_FP32). */
    static float bf16(MemorySegment w, long off) {
        return Float.intBitsToFloat(w.get(I16, off) << 16);
    }

    static int u8(MemorySegment w, long off) {
        return w.get(ValueLayout.JAVA_BYTE, off) & 0xFF;
    }

    static int i8(MemorySegment w, long off) {
        return w.get(ValueLayout.JAVA_BYTE, off);
    }

    static int i32(MemorySegment w, long off) {
        return w.get(I32, off);
    }

    /**
     * The 6-bit scale ({@code which = 0}) or min ({@code which = 1}) of sub-block {@code j} (0..7)
     * from the 12 packed scale bytes at {@code off} of a Q4_K / Q5_K block: ggml's get_scale_min_k4.
     */
    static int scaleMinK4(MemorySegment w, long off, int j, int which) {
        if (j < 4) {
            return u8(w, off + j + 4L * which) & 63;
        }
        int packed = u8(w, off + j + 4);
        int low = which == 0 ? packed & 0xF : packed >>> 4;
        return low | ((u8(w, off + j - 4 + 4L * which) >>> 6) << 4);
    }

    static long i64(MemorySegment w, long off) {
        return w.get(I64, off);
    }

    /**
     * {@link #scaleMinK4} from the 12 scale bytes already read as {@code lo} (bytes 0-7) and
     * {@code hi} (bytes 8-11): arithmetic only, no memory access, for the vector kernels.
     */
    static int scaleMinK4(long lo, int hi, int j, int which) {
        if (j < 4) {
            return (int) (lo >>> (8 * (j + 4 * which))) & 63;
        }
        int packed = (hi >>> (8 * (j - 4))) & 0xFF;
        int low = which == 0 ? packed & 0xF : packed >>> 4;
        int top = (int) (lo >>> (8 * (j - 4 + 4 * which))) & 0xFF;
        return low | ((top >>> 6) << 4);
    }

    /**
     * The 6-bit scale {@code k} (0..15, still biased by 32) of a Q3_K block from its 12 packed bytes
     * at {@code off}: the aux[] shuffle of ggml's dequantize_row_q3_K, one value at a time.
     */
    static int scaleQ3K(MemorySegment w, long off, int k) {
        int low = k < 8 ? u8(w, off + k) & 0xF : u8(w, off + k - 8) >>> 4;
        int high = (u8(w, off + 8 + (k & 3)) >>> (2 * (k >>> 2))) & 3;
        return low | (high << 4);
    }
}
