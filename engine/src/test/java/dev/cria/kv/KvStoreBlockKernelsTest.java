package dev.cria.kv;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The block kernels ({@link KvStore#scoreKeys}, {@link KvStore#addValues}) agree with the per-row
 * ones ({@link KvStore#dotKey}, {@link KvStore#addValue}) for every store type, every kv head, 1 to
 * 4 query heads at once, and full and partial blocks, on rows written through {@link KvStore#write}.
 */
class KvStoreBlockKernelsTest {
    static final int LAYERS = 2, BLOCK = 16, BLOCKS = 3;

    static KvStore filled(KvType type, int kvDim, int headDim, SplittableRandom rnd) {
        KvStore store = KvStore.create(type, LAYERS, BLOCKS * BLOCK, kvDim, headDim, BLOCK);
        float[] k = new float[kvDim], v = new float[kvDim];
        for (int layer = 0; layer < LAYERS; layer++) {
            for (int row = 0; row < BLOCKS * BLOCK; row++) {
                for (int j = 0; j < kvDim; j++) {
                    k[j] = (float) rnd.nextGaussian();
                    v[j] = (float) rnd.nextGaussian();
                }
                store.write(layer, row, k, 0, v, 0);
            }
        }
        return store;
    }

    @ParameterizedTest(name = "{0}, head width {2}")
    @CsvSource({"F32, 128, 64", "F16, 128, 64", "Q8_0, 128, 64", "F32, 32, 16", "F16, 32, 16", "Q8_0, 32, 16", "Q8_0, 256, 128"})
    void scoresOfABlockAreTheDotsOfEachRow(KvType type, int kvDim, int headDim) {
        SplittableRandom rnd = new SplittableRandom(7);
        KvStore store = filled(type, kvDim, headDim, rnd);
        assertThat(store.blockKernels()).isTrue();
        float[] q = gaussian(rnd, 4 * headDim + 3);
        float[] scratch = dev.cria.tensor.PaddedArrays.floats(BLOCK * headDim);
        for (int heads = 1; heads <= KvStore.TILE_HEADS; heads++) {
            for (int layer = 0; layer < LAYERS; layer++) {
                for (int head = 0; head < kvDim / headDim; head++) {
                    for (int block = 0; block < BLOCKS; block++) {
                        float[] dst = new float[5 + 4 * BLOCK];
                        store.scoreKeys(layer, block, head, q, 3, heads, dst, 5, scratch);
                        for (int i = 0; i < heads; i++) {
                            for (int t = 0; t < BLOCK; t++) {
                                float expected = store.dotKey(layer, block * BLOCK + t, head, q, 3 + i * headDim);
                                assertThat(dst[5 + i * BLOCK + t]).as("heads %d, query head %d, position %d", heads, i, t)
                                        .isCloseTo(expected, within(1e-5f * headDim));
                            }
                        }
                        for (int i = heads; i < KvStore.TILE_HEADS; i++) {
                            for (int t = 0; t < BLOCK; t++) assertThat(dst[5 + i * BLOCK + t]).as("slot of an absent head").isZero();
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}, head width {2}")
    @CsvSource({"F32, 128, 64", "F16, 128, 64", "Q8_0, 128, 64", "F32, 32, 16", "F16, 32, 16", "Q8_0, 32, 16", "Q8_0, 256, 128"})
    void weightedValuesOfABlockAreTheSumOfEachRow(KvType type, int kvDim, int headDim) {
        SplittableRandom rnd = new SplittableRandom(11);
        KvStore store = filled(type, kvDim, headDim, rnd);
        float[] w = gaussian(rnd, 2 + 4 * BLOCK);
        float[] scratch = dev.cria.tensor.PaddedArrays.floats(BLOCK * headDim);
        for (int heads = 1; heads <= KvStore.TILE_HEADS; heads++) {
            for (int count : new int[]{1, 7, BLOCK}) {
                for (int head = 0; head < kvDim / headDim; head++) {
                    int layer = 1, block = 2;
                    float[] start = gaussian(rnd, 1 + 4 * headDim);
                    float[] out = start.clone();
                    float[] expected = start.clone();
                    store.addValues(layer, block, head, count, w, 2, heads, out, 1, scratch);
                    for (int i = 0; i < heads; i++) {
                        for (int t = 0; t < count; t++) {
                            store.addValue(layer, block * BLOCK + t, head, w[2 + i * BLOCK + t], expected, 1 + i * headDim);
                        }
                    }
                    for (int x = 0; x < out.length; x++) {
                        assertThat(out[x]).as("heads %d, count %d, output %d", heads, count, x).isCloseTo(expected[x], within(1e-4f * count));
                    }
                }
            }
        }
    }

    static float[] gaussian(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }
}
