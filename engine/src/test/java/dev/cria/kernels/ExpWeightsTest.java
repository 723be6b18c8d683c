package dev.cria.kernels;

import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ExpWeightsTest {
    private static float[] arguments(int n, long seed) {
        Random random = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (-random.nextDouble() * 100);
        }
        float[] edges = {0f, -0f, -1e-30f, -0.3465736f, -0.3465737f, -87.29f, -87.3f, -87.31f, -1000f, Float.NEGATIVE_INFINITY};
        System.arraycopy(edges, 0, x, 0, edges.length);
        return x;
    }

    @Test
    void theVectorExpAndItsScalarTwinAgreeBitForBit() {
        FloatVector probe = FloatVector.zero(FloatVector.SPECIES_PREFERRED);
        int lanes = probe.length();
        float[] x = arguments(lanes * 2000, 1);
        float[] vector = new float[x.length];
        for (int i = 0; i < x.length; i += lanes) {
            SoftmaxExp.vector(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, i)).intoArray(vector, i);
        }

        for (int i = 0; i < x.length; i++) {
            assertThat(Float.floatToRawIntBits(vector[i])).as("exp(%s)", x[i])
                    .isEqualTo(Float.floatToRawIntBits(SoftmaxExp.scalar(x[i])));
        }
    }

    @Test
    void expIsWithinTwoUlpsOfMathExpAboveTheFlushThreshold() {
        float[] x = arguments(100000, 2);
        for (float v : x) {
            double exact = Math.exp(v);
            float mine = SoftmaxExp.scalar(v);
            if (v >= -87.3f) {
                assertThat((double) mine).as("exp(%s)", v).isCloseTo(exact, within(2.0 * Math.ulp((float) exact)));
            } else {
                assertThat(mine).as("exp(%s)", v).isZero();
            }
        }
    }

    /** Lengths of whole blocks, a partial last block, and a single partial block. */
    @ParameterizedTest
    @ValueSource(ints = {ExpWeights.BLOCK, 3 * ExpWeights.BLOCK + 17, 100})
    void maxSumAndFillAreBitIdenticalToTheirScalarTwins(int n) {
        Random random = new Random(n);
        float[] logits = new float[n];
        for (int i = 0; i < n; i++) {
            logits[i] = (float) random.nextGaussian() * 5;
        }
        int lanes = SoftmaxExp.SPECIES.length();
        float max = ExpWeights.max(logits, n);
        assertThat(max).isEqualTo(ScalarExpWeights.max(logits, n));
        assertThat(ExpWeights.sum(logits, n, max)).isEqualTo(ScalarExpWeights.sum(logits, n, max, lanes));

        float[] vector = logits.clone(), scalar = logits.clone();
        double[] vectorSums = new double[ExpWeights.blocks(n)], scalarSums = new double[ExpWeights.blocks(n)];
        double vectorTotal = ExpWeights.fill(vector, n, max, 0.7f, vectorSums);
        double scalarTotal = ScalarExpWeights.fill(scalar, n, max, 0.7f, scalarSums, lanes);

        assertThat(RandomWeights.bits(vector)).isEqualTo(RandomWeights.bits(scalar));
        assertThat(vectorSums).isEqualTo(scalarSums);
        assertThat(vectorTotal).isEqualTo(scalarTotal);
    }

    @Test
    void fillWritesTheWeightsAndTheirBlockSums() {
        int n = 3 * ExpWeights.BLOCK + 17;
        float[] logits = new float[n];
        Random random = new Random(3);
        for (int i = 0; i < n; i++) {
            logits[i] = (float) random.nextGaussian() * 3;
        }
        float max = ExpWeights.max(logits, n);
        float[] weights = logits.clone();
        double[] blockSums = new double[ExpWeights.blocks(n)];

        double total = ExpWeights.fill(weights, n, max, 0.5f, blockSums);

        double expectedTotal = 0;
        for (int b = 0; b < blockSums.length; b++) {
            double block = 0;
            for (int i = b * ExpWeights.BLOCK; i < Math.min(n, (b + 1) * ExpWeights.BLOCK); i++) {
                assertThat(weights[i]).isEqualTo(SoftmaxExp.scalar((logits[i] - max) * 0.5f));
                block += weights[i];
            }
            assertThat(blockSums[b]).isCloseTo(block, within(block * 1e-6));
            expectedTotal += block;
        }
        assertThat(total).isCloseTo(expectedTotal, within(expectedTotal * 1e-6));
    }
}
