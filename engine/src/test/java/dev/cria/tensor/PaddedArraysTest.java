package dev.cria.tensor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PaddedArraysTest {
    @Test
    void theUsedPartHasTwoCacheLinesOfPaddingOnEachSide() {
        float[] a = PaddedArrays.floats(100);
        assertThat(PaddedArrays.PAD * Float.BYTES).isGreaterThanOrEqualTo(128);
        assertThat(a).hasSize(PaddedArrays.PAD + 100 + PaddedArrays.PAD);
    }

    @Test
    void atLeastKeepsAnArrayWithRoomAndReplacesOneWithout() {
        float[] a = PaddedArrays.floats(100);
        assertThat(PaddedArrays.atLeast(a, 100)).isSameAs(a);
        assertThat(PaddedArrays.atLeast(a, 101)).isNotSameAs(a).hasSize(PaddedArrays.PAD + 101 + PaddedArrays.PAD);
    }
}
