package dev.cria.loader;

import dev.cria.tensor.GgmlType;
import dev.cria.util.ModelFormatException;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which bytes {@link FiniteWeights} reads as scales, per ggml-common.h block layout. */
class FiniteWeightsTest {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final short F16_NAN = 0x7E00;

    /** Three zeroed blocks of {@code type} with {@code value} written at byte {@code at}. */
    private static MemorySegment blocks(GgmlType type, long at, short value) {
        MemorySegment s = Arena.ofAuto().allocate(3L * type.blockBytes);
        s.set(F16, at, value);
        return s;
    }

    @Test
    void q6_KScaleIsTheLastTwoBytesOfTheBlock() {
        assertThatThrownBy(() -> FiniteWeights.require("m.gguf", "token_embd.weight", GgmlType.Q6_K, blocks(GgmlType.Q6_K, 210 + 208, F16_NAN)))
                .isInstanceOf(ModelFormatException.class)
                .hasMessage("m.gguf: tensor 'token_embd.weight' block 1's scale is NaN (corrupt weights)");
    }

    @Test
    void q6_KQuantBytesThatLookLikeANaNAreNotScales() {
        assertThatCode(() -> FiniteWeights.require("m.gguf", "t", GgmlType.Q6_K, blocks(GgmlType.Q6_K, 210, F16_NAN))).doesNotThrowAnyException();
    }

    @Test
    void q4_KMinimumScaleIsChecked() {
        assertThatThrownBy(() -> FiniteWeights.require("m.gguf", "t", GgmlType.Q4_K, blocks(GgmlType.Q4_K, 2 * 144 + 2, (short) 0x7C00)))
                .hasMessage("m.gguf: tensor 't' block 2's scale is Infinity (corrupt weights)");
    }

    @Test
    void q2_KScalesFollowTheQuants() {
        assertThatThrownBy(() -> FiniteWeights.require("m.gguf", "t", GgmlType.Q2_K, blocks(GgmlType.Q2_K, 80, F16_NAN)))
                .hasMessage("m.gguf: tensor 't' block 0's scale is NaN (corrupt weights)");
    }

    @Test
    void everyF16ValueIsChecked() {
        assertThatThrownBy(() -> FiniteWeights.require("m.gguf", "t", GgmlType.F16, blocks(GgmlType.F16, 4, (short) 0xFC00)))
                .hasMessage("m.gguf: tensor 't' value 2 is -Infinity (corrupt weights)");
    }
}
