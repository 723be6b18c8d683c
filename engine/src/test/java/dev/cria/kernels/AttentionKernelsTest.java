package dev.cria.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link AttentionKernels#softmaxStep} against its scalar twin on random scores, bit for bit: the
 * twin adds weight t to lane t % LANES as the vector does, and its exp is SoftmaxExp's exact scalar
 * twin. Many blocks in a row, with a drift that keeps raising the running maximum (the rescale),
 * blocks that do not raise it, and a masked partial last block.
 */
class AttentionKernelsTest {
    private static final int L = AttentionKernels.LANES;

    @ParameterizedTest(name = "blocks of {0} vectors")
    @ValueSource(ints = {1, 2})
    void softmaxStepIsBitIdenticalToItsTwin(int blockVectors) {
        int bs = blockVectors * L, headDim = 4 * L, blocks = 12, lead = 5;
        float scale = 0.125f;
        SplittableRandom rnd = new SplittableRandom(bs);
        float[] max = {0, Float.NEGATIVE_INFINITY}, maxTwin = max.clone();
        float[] sums = new float[lead + L], sumsTwin = sums.clone();
        float[] out = new float[lead + headDim], outTwin = out.clone();
        for (int b = 0; b < blocks; b++) {
            float[] scores = new float[lead + bs];
            for (int t = 0; t < bs; t++) {
                // every third block far below the ones before it: the maximum stays
                double drift = b % 3 == 2 ? -20 : 3.0 * b;
                scores[lead + t] = (float) (8 * rnd.nextGaussian() + drift);
            }
            if (b == blocks - 1) Arrays.fill(scores, lead + bs / 2 + 1, lead + bs, Float.NEGATIVE_INFINITY);
            float[] scoresTwin = scores.clone();

            AttentionKernels.softmaxStep(scores, lead, bs, scale, max, 1, sums, lead, out, lead, headDim);
            ScalarAttentionKernels.softmaxStep(scoresTwin, lead, bs, scale, maxTwin, 1, sumsTwin, lead, L, outTwin, lead, headDim);

            assertThat(RandomWeights.bits(scores)).as("weights of block %d", b).isEqualTo(RandomWeights.bits(scoresTwin));
            assertThat(RandomWeights.bits(max)).as("maximum after block %d", b).isEqualTo(RandomWeights.bits(maxTwin));
            assertThat(RandomWeights.bits(sums)).as("sums after block %d", b).isEqualTo(RandomWeights.bits(sumsTwin));
            assertThat(RandomWeights.bits(out)).as("output after block %d", b).isEqualTo(RandomWeights.bits(outTwin));
            // the output stands in for the values added after each step (KvStore.addValues)
            for (int j = 0; j < headDim; j++) {
                float v = (float) rnd.nextGaussian();
                out[lead + j] += v;
                outTwin[lead + j] += v;
            }
        }
        assertThat(max[0]).as("a neighbour's maximum").isZero();
    }
}
