package dev.cria.kv;

import dev.cria.kernels.KvBlockKernels;
import dev.cria.tensor.PaddedArrays;

import static dev.cria.tensor.PaddedArrays.PAD;

/**
 * The storage of all blocks' keys and values (row = block * blockSize + offset), per layer, with
 * the operations attention needs. Subclasses per {@link KvType}.
 *
 * <p>Layout, per layer: kv head by kv head ({@code rows * headDim} values each), so that attention,
 * which runs per (token, kv head), streams one contiguous run of memory per block instead of picking
 * a head's slice out of every row. Within a head, values are row after row ({@code [row][j]});
 * keys are transposed per block ({@code [block][j][offset]}), so that the scores of a whole block
 * are a vector per key dimension (lane = position) and need no horizontal sums.
 */
public abstract sealed class KvStore {
    final int kvDim;
    final int headDim;
    final int blockSize;
    final int rows;

    KvStore(int rows, int kvDim, int headDim, int blockSize) {
        if (headDim < 1 || kvDim % headDim != 0) throw new IllegalArgumentException("kv width " + kvDim + " is not a multiple of the head width " + headDim);
        if (rows % blockSize != 0) throw new IllegalArgumentException(rows + " KV rows is not a whole number of blocks of " + blockSize);
        this.rows = rows;
        this.kvDim = kvDim;
        this.headDim = headDim;
        this.blockSize = blockSize;
    }

    static KvStore create(KvType type, int layers, long rows, int kvDim, int headDim, int blockSize) {
        if (rows * kvDim > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("KV pool of " + rows + " tokens is too large for one layer array; lower --kv-memory or --ctx-size");
        }
        return switch (type) {
            case F32 -> new F32(layers, (int) rows, kvDim, headDim, blockSize);
            case F16 -> new F16(layers, (int) rows, kvDim, headDim, blockSize);
            case Q8_0 -> new Q8(layers, (int) rows, kvDim, headDim, blockSize, Q8.blockFor(headDim));
        };
    }

    public int headDim() {
        return headDim;
    }

    public int blockSize() {
        return blockSize;
    }

    /** Index of key {@code j} of {@code head} at {@code row}: {@code [head][block][j][offset]}. */
    final int keyIndex(int row, int head, int j) {
        return head * rows * headDim + (row - row % blockSize) * headDim + j * blockSize + row % blockSize;
    }

    /** Index of value {@code j} of {@code head} at {@code row}: {@code [head][row][j]}. */
    final int valueIndex(int row, int head, int j) {
        return (head * rows + row) * headDim + j;
    }

    /** Stores one token's keys and values (kvDim floats each) at {@code row} of {@code layer}. */
    public abstract void write(int layer, int row, float[] k, int kOff, float[] v, int vOff);

    /** One stored key: {@code key(row)[head * headDim + j]}. */
    abstract float key(int layer, int row, int head, int j);

    /** One stored value: {@code value(row)[head * headDim + j]}. */
    abstract float value(int layer, int row, int head, int j);

    /** Query heads that {@link #scoreKeys} and {@link #addValues} take at once. */
    public static final int TILE_HEADS = KvBlockKernels.TILE_HEADS;

    /**
     * Whether {@link #scoreKeys} and {@link #addValues} work for this store: the block size and
     * the head width must be multiples of the vector length ({@link KvBlockKernels#LANES} floats).
     */
    public boolean blockKernels() {
        return blockSize % KvBlockKernels.LANES == 0 && headDim % KvBlockKernels.LANES == 0;
    }

    /**
     * Scores of up to {@link #TILE_HEADS} query heads against the keys of kv head {@code head} at
     * all blockSize positions of {@code block}, each key decoded once for all heads:
     * {@code dst[dstOff + i * blockSize + t] = Σ_j q[qOff + i * headDim + j] * key(block * blockSize + t)[head * headDim + j]}
     * for {@code i < heads} (1..4). Positions not yet written give stale finite scores; the caller
     * masks them. {@code scratch} holds {@code blockSize * headDim} floats from index
     * {@link PaddedArrays#PAD} on (a per-thread array, rewritten every block). Needs {@link #blockKernels}.
     */
    public abstract void scoreKeys(int layer, int block, int head, float[] q, int qOff, int heads, float[] dst, int dstOff, float[] scratch);

    /**
     * Adds the values of kv head {@code head} at the first {@code count} positions of {@code block},
     * weighted per query head, each value decoded once for all heads:
     * {@code out[outOff + i * headDim + j] += Σ_{t < count} w[wOff + i * blockSize + t] * value(block * blockSize + t)[head * headDim + j]}
     * for {@code i < heads} (1..4). {@code scratch} as for {@link #scoreKeys}.
     */
    public abstract void addValues(int layer, int block, int head, int count, float[] w, int wOff, int heads, float[] out, int outOff, float[] scratch);

    /** {@code Σ q[qOff + j] * key(row)[head * headDim + j]} over the head: one position, the scalar reference of {@link #scoreKeys}. */
    public float dotKey(int layer, int row, int head, float[] q, int qOff) {
        float s = 0;
        for (int j = 0; j < headDim; j++) s = Math.fma(q[qOff + j], key(layer, row, head, j), s);
        return s;
    }

    /** {@code out[outOff + j] += w * value(row)[head * headDim + j]} over the head: one position, the scalar reference of {@link #addValues}. */
    public void addValue(int layer, int row, int head, float w, float[] out, int outOff) {
        for (int j = 0; j < headDim; j++) out[outOff + j] = Math.fma(w, value(layer, row, head, j), out[outOff + j]);
    }

    static final class F32 extends KvStore {
        private final float[][] keys;
        private final float[][] values;

        F32(int layers, int rows, int kvDim, int headDim, int blockSize) {
            super(rows, kvDim, headDim, blockSize);
            keys = new float[layers][rows * kvDim];
            values = new float[layers][rows * kvDim];
        }

        @Override
        public void write(int layer, int row, float[] k, int kOff, float[] v, int vOff) {
            for (int h = 0; h < kvDim / headDim; h++) {
                for (int j = 0; j < headDim; j++) keys[layer][keyIndex(row, h, j)] = k[kOff + h * headDim + j];
                System.arraycopy(v, vOff + h * headDim, values[layer], valueIndex(row, h, 0), headDim);
            }
        }

        @Override
        float key(int layer, int row, int head, int j) {
            return keys[layer][keyIndex(row, head, j)];
        }

        @Override
        float value(int layer, int row, int head, int j) {
            return values[layer][valueIndex(row, head, j)];
        }

        @Override
        public void scoreKeys(int layer, int block, int head, float[] q, int qOff, int heads, float[] dst, int dstOff, float[] scratch) {
            KvBlockKernels.scoreFloat(keys[layer], keyIndex(block * blockSize, head, 0), blockSize, headDim, q, qOff, heads, dst, dstOff);
        }

        @Override
        public void addValues(int layer, int block, int head, int count, float[] w, int wOff, int heads, float[] out, int outOff, float[] scratch) {
            KvBlockKernels.addFloat(values[layer], valueIndex(block * blockSize, head, 0), count, headDim, w, wOff, blockSize, heads, out, outOff);
        }
    }

    /** IEEE half precision ({@link Float#floatToFloat16}); decoding is a plain loop that C2 vectorizes (vcvtph2ps). */
    static final class F16 extends KvStore {
        private final short[][] keys;
        private final short[][] values;

        F16(int layers, int rows, int kvDim, int headDim, int blockSize) {
            super(rows, kvDim, headDim, blockSize);
            keys = new short[layers][rows * kvDim];
            values = new short[layers][rows * kvDim];
        }

        @Override
        public void write(int layer, int row, float[] k, int kOff, float[] v, int vOff) {
            for (int h = 0; h < kvDim / headDim; h++) {
                for (int j = 0; j < headDim; j++) {
                    keys[layer][keyIndex(row, h, j)] = Float.floatToFloat16(k[kOff + h * headDim + j]);
                    values[layer][valueIndex(row, h, j)] = Float.floatToFloat16(v[vOff + h * headDim + j]);
                }
            }
        }

        @Override
        float key(int layer, int row, int head, int j) {
            return Float.float16ToFloat(keys[layer][keyIndex(row, head, j)]);
        }

        @Override
        float value(int layer, int row, int head, int j) {
            return Float.float16ToFloat(values[layer][valueIndex(row, head, j)]);
        }

        @Override
        public void scoreKeys(int layer, int block, int head, float[] q, int qOff, int heads, float[] dst, int dstOff, float[] scratch) {
            keysTransposed(layer, block, head, scratch, PAD);
            KvBlockKernels.scoreFloat(scratch, PAD, blockSize, headDim, q, qOff, heads, dst, dstOff);
        }

        @Override
        public void addValues(int layer, int block, int head, int count, float[] w, int wOff, int heads, float[] out, int outOff, float[] scratch) {
            values(layer, block, head, count, scratch, PAD);
            KvBlockKernels.addFloat(scratch, PAD, count, headDim, w, wOff, blockSize, heads, out, outOff);
        }

        /** {@code dst[dstOff + j * blockSize + t] = key(block * blockSize + t)[head * headDim + j]}. */
        private void keysTransposed(int layer, int block, int head, float[] dst, int dstOff) {
            decode(keys[layer], keyIndex(block * blockSize, head, 0), dst, dstOff, blockSize * headDim);
        }

        /** {@code dst[dstOff + t * headDim + j] = value(block * blockSize + t)[head * headDim + j]}, t < count. */
        private void values(int layer, int block, int head, int count, float[] dst, int dstOff) {
            decode(values[layer], valueIndex(block * blockSize, head, 0), dst, dstOff, count * headDim);
        }

        private static void decode(short[] src, int srcOff, float[] dst, int dstOff, int n) {
            for (int i = 0; i < n; i++) dst[dstOff + i] = Float.float16ToFloat(src[srcOff + i]);
        }
    }

    /**
     * ggml's Q8_0 rounding per block of 32 values of one position (scale = max|x| / 127,
     * q = round(x / scale), as quantize_row_q8_0), with blocks that never straddle two heads: heads
     * narrower than 32 (the tiny test model's 16) use blocks of the head width. Scales of keys and
     * values alike are stored per block {@code [head][block][quantization block][offset]}, so one
     * vector load gives a quantization block's scales for all positions of a block.
     */
    static final class Q8 extends KvStore {
        private final int qb;
        private final int scalesPerHead;
        private final byte[][] keys;
        private final byte[][] values;
        private final float[][] keyScales;
        private final float[][] valueScales;

        Q8(int layers, int rows, int kvDim, int headDim, int blockSize, int qb) {
            super(rows, kvDim, headDim, blockSize);
            this.qb = qb;
            this.scalesPerHead = headDim / qb;
            keys = new byte[layers][rows * kvDim];
            values = new byte[layers][rows * kvDim];
            keyScales = new float[layers][rows * kvDim / qb];
            valueScales = new float[layers][rows * kvDim / qb];
        }

        static int blockFor(int headDim) {
            int qb = Math.min(32, headDim);
            if (qb % 8 != 0) throw new IllegalArgumentException("q8_0 KV needs a head width divisible by 8, got " + headDim);
            if (headDim % qb != 0) throw new IllegalArgumentException("q8_0 KV needs a head width divisible by " + qb + ", got " + headDim);
            return qb;
        }

        /** Index of the scale of quantization block {@code sb} of {@code head} at {@code row}. */
        private int scaleIndex(int row, int head, int sb) {
            return head * rows * scalesPerHead + (row - row % blockSize) * scalesPerHead + sb * blockSize + row % blockSize;
        }

        @Override
        public void write(int layer, int row, float[] k, int kOff, float[] v, int vOff) {
            for (int h = 0; h < kvDim / headDim; h++) {
                for (int sb = 0; sb < scalesPerHead; sb++) {
                    int x = h * headDim + sb * qb;
                    float kd = scale(k, kOff + x);
                    float vd = scale(v, vOff + x);
                    keyScales[layer][scaleIndex(row, h, sb)] = kd;
                    valueScales[layer][scaleIndex(row, h, sb)] = vd;
                    float kid = kd != 0 ? 1f / kd : 0f;
                    float vid = vd != 0 ? 1f / vd : 0f;
                    for (int j = 0; j < qb; j++) {
                        keys[layer][keyIndex(row, h, sb * qb + j)] = (byte) Math.round(k[kOff + x + j] * kid);
                        values[layer][valueIndex(row, h, sb * qb + j)] = (byte) Math.round(v[vOff + x + j] * vid);
                    }
                }
            }
        }

        private float scale(float[] x, int off) {
            float amax = 0;
            for (int j = 0; j < qb; j++) amax = Math.max(amax, Math.abs(x[off + j]));
            return amax / 127f;
        }

        @Override
        float key(int layer, int row, int head, int j) {
            return keys[layer][keyIndex(row, head, j)] * keyScales[layer][scaleIndex(row, head, j / qb)];
        }

        @Override
        float value(int layer, int row, int head, int j) {
            return values[layer][valueIndex(row, head, j)] * valueScales[layer][scaleIndex(row, head, j / qb)];
        }

        /** int8 keys times their scales in registers: no decoded copy. */
        @Override
        public void scoreKeys(int layer, int block, int head, float[] q, int qOff, int heads, float[] dst, int dstOff, float[] scratch) {
            int row0 = block * blockSize;
            KvBlockKernels.scoreQ8(keys[layer], keyIndex(row0, head, 0), keyScales[layer], scaleIndex(row0, head, 0),
                    blockSize, headDim, qb, q, qOff, heads, dst, dstOff);
        }

        /**
         * The weights are first multiplied by each position's scales (into {@code scratch}, one
         * vector per quantization block and head), then int8 values are added in registers. A
         * vector never straddles two quantization blocks: with {@link #blockKernels}, the head
         * width is a multiple of the vector length, and so is the block width (the head width or 32).
         */
        @Override
        public void addValues(int layer, int block, int head, int count, float[] w, int wOff, int heads, float[] out, int outOff, float[] scratch) {
            int row0 = block * blockSize;
            KvBlockKernels.scaleWeightsQ8(w, wOff, heads, valueScales[layer], scaleIndex(row0, head, 0), scalesPerHead, blockSize, scratch, PAD);
            KvBlockKernels.addQ8(values[layer], valueIndex(row0, head, 0), count, headDim, qb, scratch, PAD, blockSize, heads, out, outOff);
        }
    }
}
