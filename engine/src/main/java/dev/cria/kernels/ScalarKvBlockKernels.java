package dev.cria.kernels;

/**
 * Plain-loop twins of {@link KvBlockKernels}, head by head and lane by lane: each output is the
 * same chain of {@link Math#fma} in the same order as its vector lane (even and odd key dimensions
 * in two chains added at the end; int8 sums scaled once per quantization block), so the bits agree.
 * Only the slots of heads below {@code heads} are written; the vector kernels write the last head's
 * bits into the same slots again.
 */
final class ScalarKvBlockKernels {
    private ScalarKvBlockKernels() {
    }

    static void scoreFloat(float[] keys, int k, int bs, int hd, float[] q, int q0, int heads, float[] dst, int d) {
        for (int i = 0; i < heads; i++) {
            for (int t = 0; t < bs; t++) {
                float even = 0, odd = 0;
                for (int j = 0; j < hd; j += 2) {
                    even = Math.fma(keys[k + j * bs + t], q[q0 + i * hd + j], even);
                    odd = Math.fma(keys[k + (j + 1) * bs + t], q[q0 + i * hd + j + 1], odd);
                }
                dst[d + i * bs + t] = even + odd;
            }
        }
    }

    static void scoreQ8(byte[] keys, int k, float[] scales, int s, int bs, int hd, int qb, float[] q, int q0, int heads, float[] dst, int d) {
        for (int i = 0; i < heads; i++) {
            for (int t = 0; t < bs; t++) {
                float total = 0;
                for (int j0 = 0; j0 < hd; j0 += qb) {
                    float even = 0, odd = 0;
                    for (int j = j0; j < j0 + qb; j += 2) {
                        even = Math.fma(keys[k + j * bs + t], q[q0 + i * hd + j], even);
                        odd = Math.fma(keys[k + (j + 1) * bs + t], q[q0 + i * hd + j + 1], odd);
                    }
                    total = Math.fma(even + odd, scales[s + j0 / qb * bs + t], total);
                }
                dst[d + i * bs + t] = total;
            }
        }
    }

    static void addFloat(float[] values, int v, int count, int hd, float[] w, int w0, int bs, int heads, float[] out, int o) {
        for (int i = 0; i < heads; i++) {
            for (int j = 0; j < hd; j++) {
                float acc = out[o + i * hd + j];
                for (int t = 0; t < count; t++) acc = Math.fma(values[v + t * hd + j], w[w0 + i * bs + t], acc);
                out[o + i * hd + j] = acc;
            }
        }
    }

    static void scaleWeightsQ8(float[] w, int w0, int heads, float[] scales, int s, int scalesPerHead, int bs, float[] ws, int wsOff) {
        for (int sb = 0; sb < scalesPerHead; sb++) {
            for (int i = 0; i < KvBlockKernels.TILE_HEADS; i++) {
                for (int t = 0; t < bs; t++) {
                    ws[wsOff + (sb * KvBlockKernels.TILE_HEADS + i) * bs + t] = w[w0 + Math.min(i, heads - 1) * bs + t] * scales[s + sb * bs + t];
                }
            }
        }
    }

    static void addQ8(byte[] values, int v, int count, int hd, int qb, float[] ws, int wsOff, int bs, int heads, float[] out, int o) {
        for (int i = 0; i < heads; i++) {
            for (int j = 0; j < hd; j++) {
                float acc = out[o + i * hd + j];
                int weights = wsOff + (j / qb * KvBlockKernels.TILE_HEADS + i) * bs;
                for (int t = 0; t < count; t++) acc = Math.fma(values[v + t * hd + j], ws[weights + t], acc);
                out[o + i * hd + j] = acc;
            }
        }
    }
}
