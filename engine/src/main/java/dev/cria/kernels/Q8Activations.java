package dev.cria.kernels;

import dev.cria.tensor.GgmlType;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Activation vectors quantized to int8 blocks, as ggml's CPU backend converts the input of a
 * weight matmul to the weight's {@code vec_dot_type} before the dot products: block_q8_K (256
 * values, f32 scale) for the interleaved Q6_K kernels ({@link #prepare}), block_q8_0 (32 values, one
 * scale) for the interleaved Q4_0 and Q4_K kernels ({@link #prepareRows}). The kernels multiply
 * weights and activations as integers and apply the scales once per block. Each format is
 * quantized on first use, independently.
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
    private long preparedVersionRows;
    private int tokens = 1;

    // qK[j], dK[block]
    short[] qK = new short[0];
    float[] dK = new float[0];
    // for the interleaved Q6_K kernels (Q6_KInterleavedDot), the same tokens: pairK[i] = qK[i] in both
    // 16-bit halves (one 32-bit broadcast from memory gives a value in all 32 int16 lanes, without the
    // shuffle a 16-bit broadcast takes), sum8K[i / 8] = Σ of qK over values i .. i + 7
    int[] pairK = new int[0];
    int[] sum8K = new int[0];

    // block_q8_0 in plain order for the interleaved Q4_0 and Q4_K kernels (Q4_0InterleavedDot,
    // Q4_KInterleavedDot: a scale per Q4_K sub-block), token after token: qR[t * n + j] the values, dR[t * n / 32 + b] the block scales, biasR[t * n / 32 + b]
    // 8 * Σ q of block b (Q4_0's -8 offset).
    short[] qR = new short[0];
    float[] dR = new float[0];
    int[] biasR = new int[0];
    // -dR[b] * Σ q of block b (biasR / 8): the coefficient of a Q4_K sub-block's min (Q4_KInterleavedDot),
    // once per block here instead of in every group's kernel
    float[] minR = new float[0];

    /** Takes {@code x[off .. off + n)} as the current input; quantization happens on first use. */
    public void set(float[] x, int off, int n) {
        set(x, off, n, 1);
    }

    /**
     * Takes {@code tokens} vectors of {@code n} values, token t at {@code x[off + t * n ..]}, as the
     * current input ({@link #prepareRows} quantizes all of them; the other formats only the first).
     */
    public void set(float[] x, int off, int n, int tokens) {
        if (off < 0 || n < 0 || tokens < 1 || off + (long) n * tokens > x.length) {
            throw new IllegalArgumentException("activations need " + tokens + " x " + n + " floats from offset " + off + ", array has " + x.length);
        }
        this.src = x;
        this.srcOff = off;
        this.n = n;
        this.tokens = tokens;
        version++;
    }

    /** Vectors in the current input. */
    public int tokens() {
        return tokens;
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

    /**
     * Quantizes every token of the current input to block_q8_K unless it already is (token t's values
     * at {@code qK[t * n ..]}, scales at {@code dK[t * n / 256 ..]}, the pairs and sums per 8 in {@code pairK}, {@code sum8K});
     * its length must be a multiple of {@value #BLOCK}.
     */
    public void prepare() {
        if (preparedVersion == version) return;
        if (n % BLOCK != 0) {
            throw new IllegalArgumentException(n + " activations are not a whole number of Q8_K blocks of " + BLOCK);
        }
        quantizeQ8_K();
        preparedVersion = version;
    }

    /**
     * Quantizes every token of the current input to block_q8_0 in {@link #qR}'s plain layout unless
     * it already is; {@code n} must be a multiple of 32. In 512-bit or 256-bit vectors as
     * {@link Kernels#vectorBits}, the same numbers either way as its scalar twin {@link #quantizeRowsScalar}.
     */
    public void prepareRows() {
        if (preparedVersionRows == version) return;
        if (n % 32 != 0) throw new IllegalArgumentException(n + " activations are not a whole number of block_q8_0 blocks of 32");
        if (ROWS_512) quantizeRows512();
        else quantizeRows256();
        preparedVersionRows = version;
    }

    /** Whether {@link #prepareRows} runs on 512-bit vectors: a constant, so that C2 drops the other path. */
    private static final boolean ROWS_512 = Kernels.vectorBits() == 512;

    private void ensureRows() {
        int blocks = n / 32;
        if (qR.length < tokens * n) {
            qR = new short[tokens * n];
            dR = new float[tokens * blocks];
            biasR = new int[tokens * blocks];
            minR = new float[tokens * blocks];
        }
    }

    /** {@link #prepareRows}' quantization in 512-bit vectors: a block is two 16-lane vectors. */
    void quantizeRows512() {
        ensureRows();
        for (int b = 0, all = tokens * (n / 32); b < all; b++) {
            int base = srcOff + 32 * b;
            FloatVector x0 = FloatVector.fromArray(F512, src, base), x1 = FloatVector.fromArray(F512, src, base + 16);
            float amax = x0.abs().max(x1.abs()).reduceLanes(VectorOperators.MAX);
            float d = amax / 127f;
            float id = d != 0f ? 1f / d : 0f;
            IntVector q0v = roundAway(x0.mul(id)), q1v = roundAway(x1.mul(id));
            ((ShortVector) q0v.convertShape(VectorOperators.I2S, S256, 0)).intoArray(qR, 32 * b);
            ((ShortVector) q1v.convertShape(VectorOperators.I2S, S256, 0)).intoArray(qR, 32 * b + 16);
            int sum = q0v.add(q1v).reduceLanes(VectorOperators.ADD);
            dR[b] = d;
            biasR[b] = 8 * sum;
            minR[b] = -(d * (float) sum);
        }
    }

    /**
     * {@link #quantizeRows512} in 256-bit vectors (AVX2, where 512-bit ones run as Java loops): a block
     * is four 8-lane vectors. The same numbers bit for bit: the maximum of the magnitudes and the sum
     * of the ints are exact in any order, and the rounding is {@link #roundAway}'s, per lane. The
     * rounding is written out here, not called: one call level more and C2 gave up inlining the
     * masked adds ("inlining too deep") and boxed every vector (128 bytes per block).
     */
    void quantizeRows256() {
        ensureRows();
        for (int b = 0, all = tokens * (n / 32); b < all; b++) {
            int base = srcOff + 32 * b;
            float amax = FloatVector.fromArray(F256, src, base).abs().max(FloatVector.fromArray(F256, src, base + 8).abs())
                    .max(FloatVector.fromArray(F256, src, base + 16).abs().max(FloatVector.fromArray(F256, src, base + 24).abs()))
                    .reduceLanes(VectorOperators.MAX);
            float d = amax / 127f;
            float id = d != 0f ? 1f / d : 0f;
            IntVector sum = IntVector.zero(I256);
            for (int k = 0; k < 32; k += 8) {
                FloatVector v = FloatVector.fromArray(F256, src, base + k).mul(id);
                IntVector t = (IntVector) v.convert(VectorOperators.F2I, 0);
                FloatVector frac = v.sub((FloatVector) t.convert(VectorOperators.I2F, 0));
                IntVector qv = t.add(1, frac.compare(VectorOperators.GE, 0.5f).cast(I256)).sub(1, frac.compare(VectorOperators.LE, -0.5f).cast(I256));
                ((ShortVector) qv.convertShape(VectorOperators.I2S, S128, 0)).intoArray(qR, 32 * b + k);
                sum = sum.add(qv);
            }
            int total = sum.reduceLanes(VectorOperators.ADD);
            dR[b] = d;
            biasR[b] = 8 * total;
            minR[b] = -(d * (float) total);
        }
    }

    /**
     * {@link #prepareRows}'s scalar twin, always quantizing: ggml's {@code quantize_row_q8_0_ref},
     * {@code d = amax / 127}, {@code q = roundf(x / d)} (half away from zero; |q| <= 127), except that
     * d stays float32 where ggml rounds it to f16 (one rounding less; the kernels read the f32 anyway).
     */
    void quantizeRowsScalar() {
        ensureRows();
        for (int b = 0, all = tokens * (n / 32); b < all; b++) {
            int base = srcOff + 32 * b;
            float amax = 0f;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(src[base + j]));
            float d = amax / 127f;
            float id = d != 0f ? 1f / d : 0f;
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                float v = src[base + j] * id;
                int q = v >= 0f ? Math.round(v) : -Math.round(-v);
                qR[32 * b + j] = (short) q;
                sum += q;
            }
            dR[b] = d;
            biasR[b] = 8 * sum;
            minR[b] = -(d * (float) sum);
        }
    }

    private static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Short> S256 = ShortVector.SPECIES_256;
    private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Short> S128 = ShortVector.SPECIES_128;
    private static final VectorSpecies<Integer> I256 = IntVector.SPECIES_256;

    /** C's roundf per lane (half away from zero), exactly: |v| <= 127 here, so v - trunc(v) is exact. */
    private static IntVector roundAway(FloatVector v) {
        IntVector t = (IntVector) v.convert(VectorOperators.F2I, 0);
        FloatVector frac = v.sub((FloatVector) t.convert(VectorOperators.I2F, 0));
        VectorMask<Integer> up = frac.compare(VectorOperators.GE, 0.5f).cast(IntVector.SPECIES_512);
        VectorMask<Integer> down = frac.compare(VectorOperators.LE, -0.5f).cast(IntVector.SPECIES_512);
        return t.add(1, up).sub(1, down);
    }

    /**
     * ggml's {@code quantize_row_q8_K} (reference C; x86 has no SIMD version): the value of largest
     * magnitude (the first, if several) maps to -127, {@code q = min(127, nearest_int(x * -127 / max))}
     * (nearest_int rounds half to even), {@code d = 1 / iscale}; an all-zero block gets d = 0.
     */
    private void quantizeQ8_K() {
        int blocks = tokens * n / 256;
        if (qK.length < tokens * n) {
            qK = new short[tokens * n];
            dK = new float[blocks];
            pairK = new int[tokens * n];
            sum8K = new int[tokens * n / 8];
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
                continue;
            }
            float iscale = -127f / max;
            for (int j = 0; j < 256; j++) qK[256 * b + j] = (short) Math.min(127, (int) Math.rint(iscale * src[base + j]));
            dK[b] = 1f / iscale;
        }
        for (int i = 0, all = tokens * n; i < all; i++) {
            if (i % 8 == 0) sum8K[i / 8] = 0;
            pairK[i] = (qK[i] & 0xFFFF) * 0x10001;
            sum8K[i / 8] += qK[i];
        }
    }
}
