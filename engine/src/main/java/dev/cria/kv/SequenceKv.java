package dev.cria.kv;

/**
 * The keys and values of one sequence, per layer, in float32: token t of layer l sits at
 * {@code keys(l)[t * kvDim ...]}. Grows on demand up to {@code maxTokens} so a short request does
 * not pay for the whole context.
 */
public final class SequenceKv {
    private final int layers;
    private final int kvDim;
    private final int maxTokens;
    private float[][] keys;
    private float[][] values;
    private int capacity;
    /** Tokens whose k/v are stored (positions 0 .. length-1). */
    private int length;

    public SequenceKv(int layers, int kvDim, int maxTokens) {
        this.layers = layers;
        this.kvDim = kvDim;
        this.maxTokens = maxTokens;
        this.keys = new float[layers][];
        this.values = new float[layers][];
        grow(Math.min(maxTokens, 256));
    }

    public int maxTokens() {
        return maxTokens;
    }

    public int length() {
        return length;
    }

    /** Marks positions below {@code n} as filled (after a forward pass), or drops the tail (n smaller). */
    public void setLength(int n) {
        if (n < 0 || n > capacity) throw new IllegalArgumentException("length " + n + " outside 0.." + capacity);
        length = n;
    }

    /** Makes room for positions below {@code tokens}. */
    public void ensureCapacity(int tokens) {
        if (tokens > maxTokens) throw new IllegalArgumentException(tokens + " tokens exceed the context of " + maxTokens);
        if (tokens > capacity) grow(Math.min(maxTokens, Math.max(tokens, capacity * 2)));
    }

    public float[] keys(int layer) {
        return keys[layer];
    }

    public float[] values(int layer) {
        return values[layer];
    }

    public int kvDim() {
        return kvDim;
    }

    private void grow(int tokens) {
        for (int l = 0; l < layers; l++) {
            keys[l] = copyOf(keys[l], tokens * kvDim);
            values[l] = copyOf(values[l], tokens * kvDim);
        }
        capacity = tokens;
    }

    private static float[] copyOf(float[] a, int n) {
        return a == null ? new float[n] : java.util.Arrays.copyOf(a, n);
    }
}
