package dev.cria.kernels;

import dev.cria.tensor.GgmlType;

/**
 * One activation vector quantized to int8 blocks, as ggml's CPU backend converts the input of a
 * weight matmul to the weight's {@code vec_dot_type} before the dot products: block_q8_K (256
 * values, f32 scale, sums per 16) for the K-quants Q4_K and Q6_K, the only types with integer
 * kernels here ({@link IntDotKernels}; integer Q4_0 / Q8_0 kernels over block_q8_0 were measured no
 * faster than the float ones and removed). The kernels multiply weights and activations as integers
 * and apply the scales once per block.
 *
 * <p>Usage: {@link #set} names the float vector (nothing is computed); the first matvec that needs it
 * quantizes it ({@link #prepare}) and later matvecs over the same input reuse it, so the
 * q/k/v projections, and gate/up, quantize their shared input once. The quantized values are
 * stored widened to int16 ({@code short}), the width the kernels multiply in, so the kernels load
 * them without a conversion. Not thread-safe; owned by one model instance.
 */
public final class Q8Activations {
    /** Values per block_q8_K. */
    static final int BLOCK = 256;

    private float[] src;
    private int srcOff;
    private int n;
    private long version;
    private long preparedVersion;

    // qK[j], dK[block], bsumK[16 * block + g] = Σ q over values 16g..16g+15 of the block
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

    /** Quantizes the current input unless it already is; its length must be a multiple of {@value #BLOCK}. */
    public void prepare() {
        if (preparedVersion == version) return;
        if (n % BLOCK != 0) {
            throw new IllegalArgumentException(n + " activations are not a whole number of Q8_K blocks of " + BLOCK);
        }
        quantizeQ8_K();
        preparedVersion = version;
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
