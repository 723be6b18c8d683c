package dev.cria.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The block attention kernels against their scalar twins on random data, bit for bit (every lane
 * is its own FMA chain, and the twins run the same chains in the same order), for 1 to 4 query heads,
 * full and partial blocks, and head widths of 2, 3 and 4 vectors (3: the last vector of
 * {@code addFloat} is paired with itself). Widths are in vectors of {@link KvBlockKernels#LANES},
 * so the shapes are the ones the engine gives the kernels at either vector width.
 */
class KvBlockKernelsTest {
    private static final int L = KvBlockKernels.LANES;
    private static final int LEAD = 3; // offsets into the arrays are never 0 in the engine

    static float[] gaussian(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) rnd.nextGaussian();
        return x;
    }

    static byte[] int8(SplittableRandom rnd, int n) {
        byte[] x = new byte[n];
        for (int i = 0; i < n; i++) x[i] = (byte) rnd.nextInt(-127, 128);
        return x;
    }

    @ParameterizedTest(name = "block of {0} vectors, head of {1} vectors")
    @CsvSource({"1, 2", "2, 3", "1, 4"})
    void scoreFloatIsBitIdenticalToItsTwin(int blockVectors, int headVectors) {
        int bs = blockVectors * L, hd = headVectors * L;
        SplittableRandom rnd = new SplittableRandom(bs * 31 + hd);
        float[] keys = gaussian(rnd, LEAD + bs * hd);
        float[] q = gaussian(rnd, LEAD + 4 * hd);
        for (int heads = 1; heads <= KvBlockKernels.TILE_HEADS; heads++) {
            float[] vector = new float[LEAD + 4 * bs], scalar = new float[LEAD + 4 * bs];
            KvBlockKernels.scoreFloat(keys, LEAD, bs, hd, q, LEAD, heads, vector, LEAD);
            ScalarKvBlockKernels.scoreFloat(keys, LEAD, bs, hd, q, LEAD, heads, scalar, LEAD);
            assertThat(RandomWeights.bits(vector)).as("%d heads", heads).isEqualTo(RandomWeights.bits(scalar));
        }
    }

    /** Quantization blocks of one and two vectors (the engine's 16 or 32 floats). */
    @ParameterizedTest(name = "block of {0} vectors, head of {1} vectors, quantization block of {2} vectors")
    @CsvSource({"1, 2, 2", "2, 3, 1", "1, 4, 2"})
    void scoreQ8IsBitIdenticalToItsTwin(int blockVectors, int headVectors, int qbVectors) {
        int bs = blockVectors * L, hd = headVectors * L, qb = qbVectors * L;
        SplittableRandom rnd = new SplittableRandom(bs * 37 + hd + qb);
        byte[] keys = int8(rnd, LEAD + bs * hd);
        float[] scales = gaussian(rnd, LEAD + bs * hd / qb);
        float[] q = gaussian(rnd, LEAD + 4 * hd);
        for (int heads = 1; heads <= KvBlockKernels.TILE_HEADS; heads++) {
            float[] vector = new float[LEAD + 4 * bs], scalar = new float[LEAD + 4 * bs];
            KvBlockKernels.scoreQ8(keys, LEAD, scales, LEAD, bs, hd, qb, q, LEAD, heads, vector, LEAD);
            ScalarKvBlockKernels.scoreQ8(keys, LEAD, scales, LEAD, bs, hd, qb, q, LEAD, heads, scalar, LEAD);
            assertThat(RandomWeights.bits(vector)).as("%d heads", heads).isEqualTo(RandomWeights.bits(scalar));
        }
    }

    @ParameterizedTest(name = "block of {0} vectors, head of {1} vectors")
    @CsvSource({"1, 2", "2, 3", "1, 4", "1, 1"})
    void addFloatIsBitIdenticalToItsTwin(int blockVectors, int headVectors) {
        int bs = blockVectors * L, hd = headVectors * L;
        SplittableRandom rnd = new SplittableRandom(bs * 41 + hd);
        float[] values = gaussian(rnd, LEAD + bs * hd);
        float[] w = gaussian(rnd, LEAD + 4 * bs);
        for (int heads = 1; heads <= KvBlockKernels.TILE_HEADS; heads++) {
            for (int count : new int[]{1, bs / 2 + 1, bs}) {
                float[] vector = gaussian(rnd, LEAD + 4 * hd), scalar = vector.clone();
                KvBlockKernels.addFloat(values, LEAD, count, hd, w, LEAD, bs, heads, vector, LEAD);
                ScalarKvBlockKernels.addFloat(values, LEAD, count, hd, w, LEAD, bs, heads, scalar, LEAD);
                assertThat(RandomWeights.bits(vector)).as("%d heads, %d positions", heads, count).isEqualTo(RandomWeights.bits(scalar));
            }
        }
    }

    @ParameterizedTest(name = "block of {0} vectors, {1} quantization blocks of {2} vectors")
    @CsvSource({"1, 2, 1", "2, 1, 2", "1, 3, 1"})
    void scaleWeightsQ8IsBitIdenticalToItsTwin(int blockVectors, int scalesPerHead, int qbVectors) {
        int bs = blockVectors * L;
        SplittableRandom rnd = new SplittableRandom(bs * 43 + scalesPerHead);
        float[] w = gaussian(rnd, LEAD + 4 * bs);
        float[] scales = gaussian(rnd, LEAD + scalesPerHead * bs);
        for (int heads = 1; heads <= KvBlockKernels.TILE_HEADS; heads++) {
            float[] vector = new float[LEAD + scalesPerHead * 4 * bs], scalar = new float[vector.length];
            KvBlockKernels.scaleWeightsQ8(w, LEAD, heads, scales, LEAD, scalesPerHead, bs, vector, LEAD);
            ScalarKvBlockKernels.scaleWeightsQ8(w, LEAD, heads, scales, LEAD, scalesPerHead, bs, scalar, LEAD);
            assertThat(RandomWeights.bits(vector)).as("%d heads", heads).isEqualTo(RandomWeights.bits(scalar));
        }
    }

    @ParameterizedTest(name = "block of {0} vectors, head of {1} vectors, quantization block of {2} vectors")
    @CsvSource({"1, 2, 2", "2, 3, 1", "1, 4, 2", "1, 1, 1"})
    void addQ8IsBitIdenticalToItsTwin(int blockVectors, int headVectors, int qbVectors) {
        int bs = blockVectors * L, hd = headVectors * L, qb = qbVectors * L;
        SplittableRandom rnd = new SplittableRandom(bs * 47 + hd + qb);
        byte[] values = int8(rnd, LEAD + bs * hd);
        float[] w = gaussian(rnd, LEAD + 4 * bs), scales = gaussian(rnd, LEAD + hd / qb * bs);
        for (int heads = 1; heads <= KvBlockKernels.TILE_HEADS; heads++) {
            // the slots of absent heads repeat the last head's weights, as scaleWeightsQ8 writes them
            float[] ws = new float[LEAD + hd / qb * 4 * bs];
            ScalarKvBlockKernels.scaleWeightsQ8(w, LEAD, heads, scales, LEAD, hd / qb, bs, ws, LEAD);
            for (int count : new int[]{1, bs / 2 + 1, bs}) {
                float[] vector = gaussian(rnd, LEAD + 4 * hd), scalar = vector.clone();
                KvBlockKernels.addQ8(values, LEAD, count, hd, qb, ws, LEAD, bs, heads, vector, LEAD);
                ScalarKvBlockKernels.addQ8(values, LEAD, count, hd, qb, ws, LEAD, bs, heads, scalar, LEAD);
                assertThat(RandomWeights.bits(vector)).as("%d heads, %d positions", heads, count).isEqualTo(RandomWeights.bits(scalar));
            }
        }
    }
}
