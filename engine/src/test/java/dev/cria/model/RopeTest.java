package dev.cria.model;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * RoPE against the formula in double (llama.cpp ggml_rope_ext with freq_factors): pair j of a head
 * rotates by angle pos * base^(-2j/d) / factor[j]; GGUF rows hold the pair at (2j, 2j+1), Hugging
 * Face rows at (j, j + d/2). The kernel rounds cos and sin to float and rotates in float: within
 * 4e-6 of the double result for inputs of magnitude up to ~4 (a few float ulps).
 */
class RopeTest {
    static final int HEAD_DIM = 16, HEADS = 3;
    static final double BASE = 500000;

    static LlamaConfig config(boolean rotateHalf, float[] factors) {
        return new LlamaConfig(HEADS * HEAD_DIM, 1, HEADS, 1, HEAD_DIM, 64, 100, 4096, 1e-5f, BASE, factors, rotateHalf);
    }

    static float[] factors() {
        float[] f = new float[HEAD_DIM / 2];
        for (int j = 0; j < f.length; j++) f[j] = 1 + j * 0.5f;
        return f;
    }

    @ParameterizedTest(name = "rotate-half {0}")
    @ValueSource(booleans = {false, true})
    void rotatesEachPairByItsAngle(boolean rotateHalf) {
        float[] factors = factors();
        Rope rope = new Rope(config(rotateHalf, factors));
        SplittableRandom rnd = new SplittableRandom(rotateHalf ? 1 : 2);
        int off = 2, tOff = 3;
        for (int pos : new int[]{0, 1, 17, 4095}) {
            float[] x = new float[off + HEADS * HEAD_DIM];
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
            float[] before = x.clone();
            float[] table = new float[tOff + HEAD_DIM];
            rope.table(pos, table, tOff);

            rope.apply(x, off, HEADS, table, tOff);

            int half = HEAD_DIM / 2;
            for (int h = 0; h < HEADS; h++) {
                for (int j = 0; j < half; j++) {
                    int i0 = off + h * HEAD_DIM + (rotateHalf ? j : 2 * j);
                    int i1 = off + h * HEAD_DIM + (rotateHalf ? j + half : 2 * j + 1);
                    double angle = pos * Math.pow(BASE, -2.0 * j / HEAD_DIM) / factors[j];
                    double x0 = before[i0], x1 = before[i1];
                    assertThat((double) x[i0]).as("pos %d head %d pair %d, first", pos, h, j).isCloseTo(x0 * Math.cos(angle) - x1 * Math.sin(angle), within(4e-6));
                    assertThat((double) x[i1]).as("pos %d head %d pair %d, second", pos, h, j).isCloseTo(x0 * Math.sin(angle) + x1 * Math.cos(angle), within(4e-6));
                }
            }
            for (int i = 0; i < off; i++) assertThat(x[i]).as("before the offset").isEqualTo(before[i]);
        }
    }

    /** The two row orders are permutations of each other: the same vector in either order rotates to the same values. */
    @ParameterizedTest(name = "position {0}")
    @ValueSource(ints = {0, 5, 1000})
    void bothRowOrdersRotateTheSamePairs(int pos) {
        Rope gguf = new Rope(config(false, null)), hf = new Rope(config(true, null));
        SplittableRandom rnd = new SplittableRandom(pos);
        int half = HEAD_DIM / 2;
        float[] adjacent = new float[HEAD_DIM], rotateHalf = new float[HEAD_DIM];
        for (int j = 0; j < half; j++) {
            adjacent[2 * j] = rotateHalf[j] = (float) rnd.nextGaussian();
            adjacent[2 * j + 1] = rotateHalf[j + half] = (float) rnd.nextGaussian();
        }
        float[] table = new float[HEAD_DIM];
        gguf.table(pos, table, 0);

        gguf.apply(adjacent, 0, 1, table, 0);
        hf.apply(rotateHalf, 0, 1, table, 0);

        for (int j = 0; j < half; j++) {
            assertThat(adjacent[2 * j]).as("pair %d, first", j).isEqualTo(rotateHalf[j]);
            assertThat(adjacent[2 * j + 1]).as("pair %d, second", j).isEqualTo(rotateHalf[j + half]);
        }
    }
}
