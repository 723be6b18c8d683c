package dev.cria.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static dev.cria.tensor.PaddedArrays.PAD;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RowPrepTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    void reducedTokenGroupSumsAreFloatDotsTreeBitForBit(int tokens) {
        RowPrep s = RowPrep.forThread(64);
        Random random = new Random(25 + tokens);
        int stride = 40, r0 = 3, r1 = 37, t = 2;
        float[] out = new float[(t + 4) * stride + 40];
        for (int round = 0; round < 200; round++) {
            // magnitudes far apart, so a different order of additions would round differently
            for (int i = 0; i < 128; i++) s.sums[PAD + i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(7) - 3));
            float[] expected = new float[8];
            for (int k = 0; k < 8; k++) expected[k] = FloatDot.reduce(s.sums, PAD + 16 * k);
            s.reduceSums(t, tokens, out, 5, stride, r0, r1);
            for (int j = 0; j < tokens; j++) {
                assertEquals(Float.floatToRawIntBits(expected[j]), Float.floatToRawIntBits(out[5 + (t + j) * stride + r0]), "row r0, token " + j);
                assertEquals(Float.floatToRawIntBits(expected[4 + j]), Float.floatToRawIntBits(out[5 + (t + j) * stride + r1]), "row r1, token " + j);
            }
        }
    }
}
