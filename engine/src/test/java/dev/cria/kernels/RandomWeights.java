package dev.cria.kernels;

import dev.cria.tensor.GgmlType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Random;

/**
 * Random weights in any ggml layout for the kernel tests: random bytes for the quants, with every
 * f16 scale / min field overwritten by a finite, reasonable value (so no NaN/Inf appears), and
 * random floats (F16 including subnormals) for the float types.
 */
final class RandomWeights {
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private RandomWeights() {
    }

    /** Byte offsets of the f16 scale / min fields inside one block (ggml-common.h block_* structs). */
    static int[] halfFields(GgmlType t) {
        return switch (t) {
            case Q4_0, Q5_0, Q8_0 -> new int[]{0};
            case Q4_1, Q5_1, Q4_K, Q5_K -> new int[]{0, 2};
            case Q2_K -> new int[]{80, 82};
            case Q3_K -> new int[]{108};
            case Q6_K -> new int[]{208};
            case F32, F16, BF16 -> new int[0];
        };
    }

    /** {@code rows} rows of {@code n} values of type {@code t}, starting {@code lead} bytes into the segment. */
    static MemorySegment rows(GgmlType t, int rows, int n, long lead, Random rnd) {
        long bytes = t.bytesFor((long) rows * n);
        byte[] raw = new byte[Math.toIntExact(lead + bytes)];
        rnd.nextBytes(raw);
        MemorySegment seg = MemorySegment.ofArray(raw);
        long values = (long) rows * n;
        switch (t) {
            case F32 -> {
                for (long j = 0; j < values; j++) seg.set(F32, lead + 4 * j, (float) rnd.nextGaussian());
            }
            case F16 -> {
                for (long j = 0; j < values; j++) {
                    // one value in 8 is an f16 subnormal (|w| < 2^-14)
                    double scale = rnd.nextInt(8) == 0 ? 1e-5 : 1.0;
                    seg.set(I16, lead + 2 * j, Float.floatToFloat16((float) (rnd.nextGaussian() * scale)));
                }
            }
            case BF16 -> {
                for (long j = 0; j < values; j++) {
                    seg.set(I16, lead + 2 * j, (short) (Float.floatToRawIntBits((float) rnd.nextGaussian()) >>> 16));
                }
            }
            default -> {
                for (long b = 0; b < bytes / t.blockBytes; b++) {
                    for (int field : halfFields(t)) {
                        float v = (float) ((0.001 + rnd.nextDouble() * 0.1) * (rnd.nextBoolean() ? 1 : -1));
                        seg.set(I16, lead + b * t.blockBytes + field, Float.floatToFloat16(v));
                    }
                }
            }
        }
        return seg;
    }

    static float[] activations(int n, Random rnd) {
        float[] x = new float[n];
        for (int j = 0; j < n; j++) x[j] = (float) rnd.nextGaussian();
        return x;
    }

    /** The raw bits of every float, for bit-for-bit comparisons of decoded rows. */
    static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) b[i] = Float.floatToRawIntBits(v[i]);
        return b;
    }

    /** A row length for tests: several blocks, and for the float types a length with a tail that is not a multiple of 32. */
    static int rowLength(GgmlType t) {
        return t.isQuantized() ? 6 * 256 : 6 * 256 + 13;
    }
}
