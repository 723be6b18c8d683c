package dev.cria.tensor;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TensorDataTest {
    @Test
    void rowsAreTheProductOfTheOuterDims() {
        TensorData t = new TensorData("blk.0.attn_q.weight", GgmlType.Q8_0, new long[]{64, 3, 2}, MemorySegment.ofArray(new byte[6 * 2 * 34]));
        assertThat(t.rowLength()).isEqualTo(64);
        assertThat(t.rowCount()).isEqualTo(6);
        assertThat(t.elementCount()).isEqualTo(384);
        WeightMatrix m = t.asMatrix();
        assertThat(m.rows()).isEqualTo(6);
        assertThat(m.cols()).isEqualTo(64);
        assertThat(m.rowBytes()).isEqualTo(68);
        assertThat(t).hasToString("blk.0.attn_q.weight Q8_0 [64, 3, 2]");
    }

    @Test
    void bytesMustMatchTheDimsAndType() {
        assertThatThrownBy(() -> new TensorData("w", GgmlType.F16, new long[]{4, 2}, MemorySegment.ofArray(new byte[15])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("w: 15 bytes, but [4, 2] F16 takes 16");
    }

    @Test
    void vectorIsOneRow() {
        TensorData t = new TensorData("output_norm.weight", GgmlType.F32, new long[]{8}, MemorySegment.ofArray(new byte[32]));
        assertThat(t.rowCount()).isEqualTo(1);
    }
}
