package dev.cria.loader;

import dev.cria.kernels.Kernels;
import dev.cria.tensor.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class SyntheticModelTest {
    /**
     * Speed is measured on synthetic weights, so they must cost what real ones cost: weights far
     * larger than a real model's made the activations overflow and the float arithmetic slow.
     */
    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void syntheticWeightsHaveTheMagnitudeOfRealLlamaWeights(GgmlType t) {
        MemorySegment blocks = SyntheticModel.randomBlocks(t, 64 * 1024, new SplittableRandom(7));
        int n = Math.toIntExact(blocks.byteSize() / t.blockBytes * t.blockSize);
        float[] w = new float[n];
        Kernels.scalar(t).dequantize(blocks, 0, w, 0, n);
        double sumSquares = 0;
        for (float v : w) sumSquares += (double) v * v;
        double rms = Math.sqrt(sumSquares / n);
        assertThat(rms).as("%s root mean square", t).isBetween(0.005, 0.06);
    }
}
