package dev.cria.io.hf;

import dev.cria.io.hf.SafetensorsTestFiles.Tensor;
import dev.cria.tensor.GgmlType;
import dev.cria.tensor.TensorData;
import dev.cria.util.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsFileTest {
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    @Test
    void readsEntriesAndMapsDtypesToGgmlTypes() {
        Path p = SafetensorsTestFiles.write(dir.resolve("m.safetensors"), List.of(
                Tensor.f32("w", new long[]{2, 3}, 1, 2, 3, 4, 5, 6),
                new Tensor("h", "F16", new long[]{2}, new byte[4]),
                new Tensor("b", "BF16", new long[]{1, 1, 2}, new byte[4])));
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertThat(f.names()).containsExactly("w", "h", "b");
            assertThat(f.metadata()).containsEntry("format", "pt");
            assertThat(f.entry("h").type()).isEqualTo(GgmlType.F16);
            assertThat(f.entry("b").type()).isEqualTo(GgmlType.BF16);
            TensorData w = f.tensor("w", "blk.0.attn_q.weight");
            assertThat(w.name()).isEqualTo("blk.0.attn_q.weight");
            assertThat(w.type()).isEqualTo(GgmlType.F32);
            assertThat(w.ne()).containsExactly(3, 2); // HF [out, in] → ggml [in, out]
            assertThat(w.data().get(F32_LE, 3 * 4)).isEqualTo(4f); // row 1, column 0
            assertThat(f.tensor("b").ne()).containsExactly(2, 1, 1);
        }
    }

    @Test
    void unsupportedDtypeNamesTensorAndDtype() {
        Path p = SafetensorsTestFiles.write(dir.resolve("m.safetensors"), List.of(new Tensor("q", "I8", new long[]{4}, new byte[4])));
        assertThatThrownBy(() -> SafetensorsFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("m.safetensors: tensor 'q' has unsupported dtype I8 (supported: F32, F16, BF16)");
    }

    @Test
    void offsetsOutsideTheDataSectionAreRejected() {
        Path p = SafetensorsTestFiles.writeRaw(dir.resolve("m.safetensors"),
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}", new byte[16]);
        assertThatThrownBy(() -> SafetensorsFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("m.safetensors: tensor 'w' data_offsets [8, 24] lie outside the data section (16 bytes; file truncated?)");
    }

    @Test
    void byteCountThatDisagreesWithTheShapeIsRejected() {
        Path p = SafetensorsTestFiles.writeRaw(dir.resolve("m.safetensors"),
                "{\"w\":{\"dtype\":\"BF16\",\"shape\":[3,4],\"data_offsets\":[0,16]}}", new byte[16]);
        assertThatThrownBy(() -> SafetensorsFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("m.safetensors: tensor 'w' holds 16 bytes, but shape [3, 4] of BF16 needs 24");
    }

    @Test
    void headerLengthBeyondTheFileIsNotASafetensorsFile() throws IOException {
        Path p = Files.write(dir.resolve("m.safetensors"), new byte[]{(byte) 0xFF, 0x7F, 0, 0, 0, 0, 0, 0, '{', '}'});
        assertThatThrownBy(() -> SafetensorsFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("m.safetensors: not a safetensors file (header length 32767 does not fit in 10 bytes)");
    }

    @Test
    void shortOrEmptyFileIsNotASafetensorsFile() throws IOException {
        Path p = Files.write(dir.resolve("m.safetensors"), new byte[3]);
        assertThatThrownBy(() -> SafetensorsFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("m.safetensors: not a safetensors file (3 bytes");
    }

    @Test
    void headerThatIsNotJsonIsNamed() {
        Path p = SafetensorsTestFiles.writeRaw(dir.resolve("m.safetensors"), "{\"w\": oops}", new byte[0]);
        assertThatThrownBy(() -> SafetensorsFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("m.safetensors: bad header (JSON: ");
    }

    @Test
    void aHeaderNestedAMillionDeepIsOneLineNamingTheFile() {
        Path p = SafetensorsTestFiles.writeRaw(dir.resolve("m.safetensors"), "[".repeat(1_000_000), new byte[0]);
        assertThatThrownBy(() -> SafetensorsFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("m.safetensors: bad header (JSON: Document nesting depth (513) exceeds the maximum allowed (512");
    }

    @Test
    void aHeaderWithATensorListedTwiceIsRejected() {
        String entry = "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}";
        Path p = SafetensorsTestFiles.writeRaw(dir.resolve("m.safetensors"), "{\"w\":" + entry + ",\"w\":" + entry + "}", new byte[4]);
        assertThatThrownBy(() -> SafetensorsFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("m.safetensors: bad header (JSON: Duplicate field 'w'");
    }

    @Test
    void missingTensorIsNamed() {
        Path p = SafetensorsTestFiles.write(dir.resolve("m.safetensors"), List.of(Tensor.f32("w", new long[]{1}, 1)));
        try (SafetensorsFile f = SafetensorsFile.open(p)) {
            assertThatThrownBy(() -> f.tensor("lm_head.weight")).hasMessage("m.safetensors: missing tensor 'lm_head.weight'");
        }
    }

    @Test
    void nonExistentFileIsNoSuchFile() {
        Path p = dir.resolve("absent.safetensors");
        assertThatThrownBy(() -> SafetensorsFile.open(p)).hasMessage(p + ": no such file");
    }
}
