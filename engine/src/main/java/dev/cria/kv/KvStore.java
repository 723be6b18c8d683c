package dev.cria.kv;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The storage of all blocks' keys and values, row by row (row = block * blockSize + offset), per layer,
 * with the three operations attention needs. Subclasses per {@link KvType}.
 */
public abstract sealed class KvStore {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    final int kvDim;

    KvStore(int kvDim) {
        this.kvDim = kvDim;
    }

    static KvStore create(KvType type, int layers, long rows, int kvDim, int headDim) {
        if (rows * kvDim > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("KV pool of " + rows + " tokens is too large for one layer array; lower --kv-memory or --ctx-size");
        }
        return switch (type) {
            case F32 -> new F32(layers, (int) rows, kvDim);
            case F16 -> new F16(layers, (int) rows, kvDim);
            case Q8_0 -> new Q8(layers, (int) rows, kvDim, Q8.blockFor(headDim));
        };
    }

    /** Stores one token's keys and values (kvDim floats each) at {@code row} of {@code layer}. */
    public abstract void write(int layer, int row, float[] k, int kOff, float[] v, int vOff);

    /** {@code Σ q[qOff + j] * key(row)[off + j]} for j < n ({@code off} a head's offset within the row). */
    public abstract float dotKey(int layer, int row, int off, float[] q, int qOff, int n);

    /** {@code out[outOff + j] += w * value(row)[off + j]} for j < n. */
    public abstract void addValue(int layer, int row, int off, float w, float[] out, int outOff, int n);

    static final class F32 extends KvStore {
        private final float[][] keys;
        private final float[][] values;

        F32(int layers, int rows, int kvDim) {
            super(kvDim);
            keys = new float[layers][rows * kvDim];
            values = new float[layers][rows * kvDim];
        }

        @Override
        public void write(int layer, int row, float[] k, int kOff, float[] v, int vOff) {
            System.arraycopy(k, kOff, keys[layer], row * kvDim, kvDim);
            System.arraycopy(v, vOff, values[layer], row * kvDim, kvDim);
        }

        @Override
        public float dotKey(int layer, int row, int off, float[] q, int qOff, int n) {
            float[] a = keys[layer];
            int base = row * kvDim + off;
            FloatVector acc = FloatVector.zero(S);
            int j = 0;
            for (int u = S.loopBound(n); j < u; j += S.length()) {
                acc = FloatVector.fromArray(S, q, qOff + j).fma(FloatVector.fromArray(S, a, base + j), acc);
            }
            float s = acc.reduceLanes(VectorOperators.ADD);
            for (; j < n; j++) s += q[qOff + j] * a[base + j];
            return s;
        }

        @Override
        public void addValue(int layer, int row, int off, float w, float[] out, int outOff, int n) {
            float[] a = values[layer];
            int base = row * kvDim + off;
            FloatVector wv = FloatVector.broadcast(S, w);
            int j = 0;
            for (int u = S.loopBound(n); j < u; j += S.length()) {
                FloatVector.fromArray(S, a, base + j).fma(wv, FloatVector.fromArray(S, out, outOff + j)).intoArray(out, outOff + j);
            }
            for (; j < n; j++) out[outOff + j] += w * a[base + j];
        }
    }

    static final class F16 extends KvStore {
        private final short[][] keys;
        private final short[][] values;

        F16(int layers, int rows, int kvDim) {
            super(kvDim);
            keys = new short[layers][rows * kvDim];
            values = new short[layers][rows * kvDim];
        }

        @Override
        public void write(int layer, int row, float[] k, int kOff, float[] v, int vOff) {
            short[] ka = keys[layer];
            short[] va = values[layer];
            int base = row * kvDim;
            for (int j = 0; j < kvDim; j++) {
                ka[base + j] = Float.floatToFloat16(k[kOff + j]);
                va[base + j] = Float.floatToFloat16(v[vOff + j]);
            }
        }

        @Override
        public float dotKey(int layer, int row, int off, float[] q, int qOff, int n) {
            short[] a = keys[layer];
            int base = row * kvDim + off;
            float s = 0;
            for (int j = 0; j < n; j++) s += q[qOff + j] * Float.float16ToFloat(a[base + j]);
            return s;
        }

        @Override
        public void addValue(int layer, int row, int off, float w, float[] out, int outOff, int n) {
            short[] a = values[layer];
            int base = row * kvDim + off;
            for (int j = 0; j < n; j++) out[outOff + j] += w * Float.float16ToFloat(a[base + j]);
        }
    }

    /**
     * ggml's Q8_0 rounding per block of 32 values (scale = max|x| / 127, q = round(x / scale), as
     * quantize_row_q8_0), with blocks that never straddle two heads: heads narrower than 32 (the tiny
     * test model's 16) use blocks of the head width.
     */
    static final class Q8 extends KvStore {
        private final int qb;
        private final byte[][] keys;
        private final byte[][] values;
        private final float[][] keyScales;
        private final float[][] valueScales;

        Q8(int layers, int rows, int kvDim, int qb) {
            super(kvDim);
            this.qb = qb;
            keys = new byte[layers][rows * kvDim];
            values = new byte[layers][rows * kvDim];
            keyScales = new float[layers][rows * kvDim / qb];
            valueScales = new float[layers][rows * kvDim / qb];
        }

        private static final VectorSpecies<Float> F8 = FloatVector.SPECIES_256;
        private static final VectorSpecies<Byte> B8 = ByteVector.SPECIES_64;

        static int blockFor(int headDim) {
            int qb = Math.min(32, headDim);
            if (qb % 8 != 0) throw new IllegalArgumentException("q8_0 KV needs a head width divisible by 8, got " + headDim);
            if (headDim % qb != 0) throw new IllegalArgumentException("q8_0 KV needs a head width divisible by " + qb + ", got " + headDim);
            return qb;
        }

        @Override
        public void write(int layer, int row, float[] k, int kOff, float[] v, int vOff) {
            quantize(k, kOff, keys[layer], keyScales[layer], row * kvDim, kvDim);
            quantize(v, vOff, values[layer], valueScales[layer], row * kvDim, kvDim);
        }

        private void quantize(float[] x, int xOff, byte[] q, float[] scales, int base, int n) {
            for (int b = 0; b < n; b += qb) {
                float amax = 0;
                for (int j = 0; j < qb; j++) amax = Math.max(amax, Math.abs(x[xOff + b + j]));
                float d = amax / 127f;
                float id = d != 0 ? 1f / d : 0f;
                scales[(base + b) / qb] = d;
                for (int j = 0; j < qb; j++) q[base + b + j] = (byte) Math.round(x[xOff + b + j] * id);
            }
        }

        @Override
        public float dotKey(int layer, int row, int off, float[] qv, int qOff, int n) {
            byte[] a = keys[layer];
            float[] sc = keyScales[layer];
            int base = row * kvDim + off;
            FloatVector total = FloatVector.zero(F8);
            for (int b = 0; b < n; b += qb) {
                FloatVector acc = FloatVector.zero(F8);
                for (int j = 0; j < qb; j += 8) {
                    FloatVector k = (FloatVector) ByteVector.fromArray(B8, a, base + b + j).convertShape(VectorOperators.B2F, F8, 0);
                    acc = FloatVector.fromArray(F8, qv, qOff + b + j).fma(k, acc);
                }
                total = acc.fma(FloatVector.broadcast(F8, sc[(base + b) / qb]), total);
            }
            return total.reduceLanes(VectorOperators.ADD);
        }

        @Override
        public void addValue(int layer, int row, int off, float w, float[] out, int outOff, int n) {
            byte[] a = values[layer];
            float[] sc = valueScales[layer];
            int base = row * kvDim + off;
            for (int b = 0; b < n; b += qb) {
                FloatVector ws = FloatVector.broadcast(F8, w * sc[(base + b) / qb]);
                for (int j = 0; j < qb; j += 8) {
                    FloatVector v = (FloatVector) ByteVector.fromArray(B8, a, base + b + j).convertShape(VectorOperators.B2F, F8, 0);
                    v.fma(ws, FloatVector.fromArray(F8, out, outOff + b + j)).intoArray(out, outOff + b + j);
                }
            }
        }
    }
}
