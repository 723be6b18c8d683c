package dev.cria.kernels;

import dev.cria.tensor.GgmlType;

/**
 * One activation vector quantized to int8 blocks, as ggml's CPU backend converts the input of a
 * weight matmul to the weight's {@code vec_dot_type} before the dot products: {@link Layout#Q8_0}
 * (blocks of 32, f16 scale) for Q4_0 / Q8_0 weights, {@link Layout#Q8_K} (blocks of 256, f32
 * scale, sums per 16) for the K-quants. The integer dot kernels ({@link IntDotKernels}) then
 * multiply weights and activations as integers and apply the scales once per block.
 *
 * <p>Usage: {@link #set} names the float vector (nothing is computed); the first matvec that needs a
 * layout quantizes it ({@link #prepare}) and later matvecs over the same input reuse it, so the
 * q/k/v projections, and gate/up, quantize their shared input once. The quantized values are
 * stored widened to int16 ({@code short}), the width the kernels multiply in, so the kernels load
 * them without a conversion. Not thread-safe; owned by one model instance.
 */
public final class Q8Activations {
    /** ggml's activation block types. */
    public enum Layout {
        /** block_q8_0: 32 values, {@code d = f16(amax / 127)}. */
        Q8_0(32),
        /** block_q8_K: 256 values, {@code d = 1 / iscale} in float32, plus a sum per 16 values. */
        Q8_K(256);

        public final int blockSize;

        Layout(int blockSize) {
            this.blockSize = blockSize;
        }
    }

    /** The activation layout ggml pairs with weight type {@code t} (its vec_dot_type), or null where Cria has no int kernel for it. */
    public static Layout layoutFor(GgmlType t) {
        return switch (t) {
            case Q4_0, Q8_0 -> Layout.Q8_0;
            case Q4_K, Q6_K -> Layout.Q8_K;
            default -> null;
        };
    }

    private float[] src;
    private int srcOff;
    private int n;
    private long version;
    private final long[] preparedVersion = new long[Layout.values().length];

    // Q8_0: q0[j] (int8 widened), d0[block], sum0[block] = Σ q of the block (Q4_0's -8 offset), and
    // q4pair: q0 reordered for the Q4_0 kernel, per pair of blocks (b, b + 1) starting at 32 b:
    // values 0-15 of b, 0-15 of b + 1 (the low nibbles), then 16-31 of b, 16-31 of b + 1 (the high ones)
    short[] q0 = new short[0];
    float[] d0 = new float[0];
    int[] sum0 = new int[0];
    short[] q4pair = new short[0];
    // Q8_K: qK[j], dK[block], bsumK[16 * block + g] = Σ q over values 16g..16g+15 of the block
    short[] qK = new short[0];
    float[] dK = new float[0];
    int[] bsumK = new int[0];

    /** Takes {@code x[off .. off + n)} as the current input; quantization happens on first use. */
    public void set(float[] x, int off, int n) {
        if (off < 0 || n < 0 || off + n > x.length) {
            throw new IllegalArgumentException("activations need " + n + " floats from offset " + off + ", array has " + x.length);
        }
        this.src = x;
        this.srcOff = off;
        this.n = n;
        version++;
    }

    public float[] source() {
        return src;
    }

    public int sourceOffset() {
        return srcOff;
    }

    public int length() {
        return n;
    }

    /** Quantizes the current input to {@code layout} unless it already is; {@code n} must be a multiple of its block size. */
    public void prepare(Layout layout) {
        if (preparedVersion[layout.ordinal()] == version) return;
        if (n % layout.blockSize != 0) {
            throw new IllegalArgumentException(n + " activations are not a whole number of " + layout + " blocks of " + layout.blockSize);
        }
        switch (layout) {
            case Q8_0 -> quantizeQ8_0();
            case Q8_K -> quantizeQ8_K();
        }
        preparedVersion[layout.ordinal()] = version;
    }

    /**
     * ggml's x86 {@code quantize_row_q8_0} (the AVX path that produced the goldens):
     * {@code d = amax / 127} stored as f16, {@code q = round-half-even(x * (127 / amax))}. The
     * reference C version divides by d and rounds half away from zero; the SIMD one is what runs.
     */
    private void quantizeQ8_0() {
        int blocks = n / 32;
        if (q0.length < n) {
            q0 = new short[n];
            d0 = new float[blocks];
            sum0 = new int[blocks];
            q4pair = new short[n];
        }
        for (int b = 0; b < blocks; b++) {
            int base = srcOff + 32 * b;
            float amax = 0f;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(src[base + j]));
            d0[b] = Float.float16ToFloat(Float.floatToFloat16(amax / 127f));
            float id = amax != 0f ? 127f / amax : 0f;
            for (int j = 0; j < 32; j++) q0[32 * b + j] = (short) Math.rint(src[base + j] * id);
            int sum = 0;
            for (int j = 0; j < 32; j++) sum += q0[32 * b + j];
            sum0[b] = sum;
        }
        for (int b = 0; b + 1 < blocks; b += 2) {
            for (int l = 0; l < 16; l++) {
                q4pair[32 * b + l] = q0[32 * b + l];
                q4pair[32 * b + 16 + l] = q0[32 * b + 32 + l];
                q4pair[32 * b + 32 + l] = q0[32 * b + 16 + l];
                q4pair[32 * b + 48 + l] = q0[32 * b + 48 + l];
            }
        }
    }

    /**
     * ggml's {@code quantize_row_q8_K} (reference C; x86 has no SIMD version): the value of largest
     * magnitude (the first, if several) maps to -127, {@code q = min(127, nearest_int(x * -127 / max))}
     * (nearest_int rounds half to even), {@code d = 1 / iscale}; an all-zero block gets d = 0.
     */
    private void quantizeQ8_K() {
        int blocks = n / 256;
        if (qK.length < n) {
            qK = new short[n];
            dK = new float[blocks];
            bsumK = new int[16 * blocks];
        }
        for (int b = 0; b < blocks; b++) {
            int base = srcOff + 256 * b;
            float amax = 0f, max = 0f;
            for (int j = 0; j < 256; j++) {
                float ax = Math.abs(src[base + j]);
                if (ax > amax) {
                    amax = ax;
                    max = src[base + j];
                }
            }
            if (amax == 0f) {
                dK[b] = 0f;
                java.util.Arrays.fill(qK, 256 * b, 256 * b + 256, (short) 0);
                java.util.Arrays.fill(bsumK, 16 * b, 16 * b + 16, 0);
                continue;
            }
            float iscale = -127f / max;
            for (int j = 0; j < 256; j++) qK[256 * b + j] = (short) Math.min(127, (int) Math.rint(iscale * src[base + j]));
            for (int g = 0; g < 16; g++) {
                int s = 0;
                for (int l = 0; l < 16; l++) s += qK[256 * b + 16 * g + l];
                bsumK[16 * b + g] = s;
            }
            dK[b] = 1f / iscale;
        }
    }
}
