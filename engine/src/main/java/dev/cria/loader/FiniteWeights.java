package dev.cria.loader;

import dev.cria.tensor.GgmlType;
import dev.cria.util.ModelFormatException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static dev.cria.util.ModelFormatException.quote;

/**
 * Load-time checks that a weight holds no NaN or infinity, cheap enough for every load: a float
 * tensor's values, or a quantized tensor's per-block f16 scales only (ggml-common.h block layouts),
 * which multiply every value of their block, so one NaN scale turns a whole row of logits NaN.
 */
final class FiniteWeights {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt F32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private FiniteWeights() {
    }

    /** Byte offsets of the f16 scale fields (d, and dmin or m where there is one) inside one block of {@code type}. */
    static int[] scaleOffsets(GgmlType type) {
        return switch (type) {
            case Q4_0, Q5_0, Q8_0 -> new int[]{0};       // block_q4_0 {d, qs}, block_q5_0 {d, qh, qs}, block_q8_0 {d, qs}
            case Q4_1, Q5_1, Q4_K, Q5_K -> new int[]{0, 2}; // {d, m, ...} / {d, dmin, scales, ...}
            case Q2_K -> new int[]{80, 82};              // block_q2_K {scales[16], qs[64], d, dmin}
            case Q3_K -> new int[]{108};                 // block_q3_K {hmask[32], qs[64], scales[12], d}
            case Q6_K -> new int[]{208};                 // block_q6_K {ql[128], qh[64], scales[16], d}
            case F32, F16, BF16 -> new int[0];
        };
    }

    /**
     * Fails naming the file, tensor and first bad block (or value) when {@code data}, a tensor of
     * {@code type}, holds a non-finite f16 scale (quantized types) or a non-finite value (F32, F16, BF16).
     */
    static void require(String fileName, String tensor, GgmlType type, MemorySegment data) {
        require(fileName, tensor, type, data, 0, data.byteSize());
    }

    /** {@link #require} in chunks, each reported done to {@code report}: one chunk when nobody listens. */
    static void require(String fileName, String tensor, GgmlType type, MemorySegment data, PhaseReport report) {
        long size = data.byteSize();
        long step = report.chunkBytes(type.blockBytes);
        for (long from = 0; from < size; ) {
            long to = from + Math.min(step, size - from);
            require(fileName, tensor, type, data, from, to);
            report.advance(to - from);
            from = to;
        }
    }

    /** {@link #require} over the bytes [from, to) of {@code data}, whole blocks (values); indexes in messages count from the tensor's start. */
    private static void require(String fileName, String tensor, GgmlType type, MemorySegment data, long from, long to) {
        switch (type) {
            case F32 -> {
                for (long o = from; o < to; o += 4) {
                    // exponent all ones: infinity or NaN
                    if ((data.get(F32, o) & 0x7F80_0000) == 0x7F80_0000) throw bad(fileName, tensor, "value " + o / 4, Float.intBitsToFloat(data.get(F32, o)));
                }
            }
            case F16 -> {
                for (long o = from; o < to; o += 2) {
                    short h = data.get(F16, o);
                    if ((h & 0x7C00) == 0x7C00) throw bad(fileName, tensor, "value " + o / 2, Float.float16ToFloat(h));
                }
            }
            case BF16 -> {
                for (long o = from; o < to; o += 2) {
                    short h = data.get(F16, o);
                    if ((h & 0x7F80) == 0x7F80) throw bad(fileName, tensor, "value " + o / 2, Float.intBitsToFloat(h << 16));
                }
            }
            default -> {
                int[] offsets = scaleOffsets(type);
                int blockBytes = type.blockBytes;
                for (long o = from; o < to; o += blockBytes) {
                    for (int s : offsets) {
                        short h = data.get(F16, o + s);
                        if ((h & 0x7C00) == 0x7C00) {
                            throw bad(fileName, tensor, "block " + o / blockBytes + "'s scale", Float.float16ToFloat(h));
                        }
                    }
                }
            }
        }
    }

    private static ModelFormatException bad(String fileName, String tensor, String where, float value) {
        return new ModelFormatException(fileName + ": tensor " + quote(tensor) + " " + where + " is " + value + " (corrupt weights)");
    }
}
