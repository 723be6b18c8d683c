package dev.cria.io.gguf;

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
import java.util.Arrays;

import static dev.cria.io.gguf.GgufTestFiles.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The GGUF reader against hand-built files: the spec's layout, and one clear error per kind of bad file. */
class GgufFileTest {
    private static final ValueLayout.OfFloat F32_LE = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    /** A small valid file: architecture, two F32 tensors. */
    private Builder valid() {
        return gguf().kv("general.architecture", "llama")
                .kvU32("llama.block_count", 2)
                .f32Tensor("a.weight", new long[]{4}, 1, 2, 3, 4)
                .f32Tensor("b.weight", new long[]{2, 3}, 1, 2, 3, 4, 5, 6);
    }

    @Test
    void readsHeaderMetadataAndTensorInfos() throws IOException {
        try (GgufFile f = GgufFile.open(valid().write(dir.resolve("ok.gguf")))) {
            assertThat(f.version()).isEqualTo(3);
            assertThat(f.requireString("general.architecture")).isEqualTo("llama");
            assertThat(f.requireLong("llama.block_count")).isEqualTo(2);
            assertThat(f.tensors().keySet()).containsExactly("a.weight", "b.weight");
            GgufFile.TensorInfo b = f.requireTensor("b.weight");
            assertThat(b.type()).isEqualTo(GgmlType.F32);
            assertThat(b.ne()).containsExactly(2, 3);
            assertThat(b.offset()).isEqualTo(32); // a.weight's 16 bytes, padded to the 32-byte alignment
            assertThat(f.data(b).get(F32_LE, 5 * 4)).isEqualTo(6f);
        }
    }

    @Test
    void wrongMagicIsNotAGgufFile() throws IOException {
        Path p = valid().magic(0x4C4C4747).write(dir.resolve("m.gguf"));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("m.gguf: not a GGUF file (wrong magic)");
    }

    @Test
    void version4IsUnsupported() throws IOException {
        Path p = valid().version(4).write(dir.resolve("v4.gguf"));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("v4.gguf: unsupported GGUF version 4 (supported: 2, 3)");
    }

    @Test
    void version1IsUnsupported() throws IOException {
        Path p = valid().version(1).write(dir.resolve("v1.gguf"));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("v1.gguf: unsupported GGUF version 1 (supported: 2, 3)");
    }

    @Test
    void bigEndianVersionIsNamed() throws IOException {
        Path p = valid().version(Integer.reverseBytes(3)).write(dir.resolve("be.gguf"));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessageContaining("big-endian file");
    }

    @Test
    void version2IsRead() throws IOException {
        try (GgufFile f = GgufFile.open(valid().version(2).write(dir.resolve("v2.gguf")))) {
            assertThat(f.version()).isEqualTo(2);
        }
    }

    @Test
    void fileCutInTheMetadataIsATruncatedHeader() throws IOException {
        byte[] whole = gguf().kv("general.architecture", "llama").kv("general.name", "a fairly long model name").build();
        // header 24 bytes; first kv: 8+20 key, 4 type, 8+5 value = 45 bytes; cut inside the second key's value
        Path p = write("cut.gguf", Arrays.copyOf(whole, 24 + 45 + 8 + 12 + 4 + 8 + 5));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("cut.gguf: truncated header (reading metadata 'general.name'");
    }

    @Test
    void fileCutInATypedValueNamesTheKey() throws IOException {
        byte[] whole = gguf().kv("general.x", UINT64, b -> b.u64(7)).build();
        // header 24 bytes, key 8+9, type 4: keep 5 of the value's 8 bytes
        Path p = write("cut64.gguf", Arrays.copyOf(whole, 24 + 8 + 9 + 4 + 5));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("cut64.gguf: truncated header (reading metadata 'general.x' at byte");
    }

    @Test
    void truncatedDataSectionIsOutOfBounds() throws IOException {
        byte[] whole = valid().build();
        Path p = write("short.gguf", Arrays.copyOf(whole, whole.length - 4));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("short.gguf: tensor 'b.weight' data (offset 32, 24 bytes) lies outside the file")
                .hasMessageContaining("file truncated?");
    }

    @Test
    void offsetFarBeyondTheFileIsOutOfBounds() throws IOException {
        Path p = gguf().tensorInfo("far.weight", 0, new long[]{8}, 1L << 40).write(dir.resolve("far.gguf"));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("far.gguf: tensor 'far.weight' data (offset 1099511627776, 32 bytes) lies outside the file");
    }

    @Test
    void unsupportedTensorTypeNamesTypeAndTensor() throws IOException {
        Path p = gguf().tensor("blk.0.attn_q.weight", 16, new long[]{256, 1}, new byte[66])
                .write(dir.resolve("iq.gguf"));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("iq.gguf: tensor 'blk.0.attn_q.weight' has unsupported type IQ2_XXS (supported: F32 F16 Q4_0");
    }

    @Test
    void rowLengthNotAMultipleOfTheBlockIsRejected() throws IOException {
        Path p = gguf().tensor("t", GgmlType.Q4_0.id, new long[]{48}, new byte[36]).write(dir.resolve("blk.gguf"));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("blk.gguf: tensor 't' row length 48 is not a multiple of Q4_0's block size 32");
    }

    @Test
    void misalignedOffsetIsRejected() throws IOException {
        Path p = gguf().tensorInfo("t", 0, new long[]{1}, 4).write(dir.resolve("mis.gguf"));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("mis.gguf: tensor 't' offset 4 is not aligned to 32");
    }

    @Test
    void duplicateTensorAndKeyAreRejected() throws IOException {
        Path t = gguf().f32Tensor("t", new long[]{1}, 1).f32Tensor("t", new long[]{1}, 2).write(dir.resolve("dt.gguf"));
        assertThatThrownBy(() -> GgufFile.open(t)).hasMessage("dt.gguf: duplicate tensor 't'");
        Path k = gguf().kvU32("k", 1).kvU32("k", 2).write(dir.resolve("dk.gguf"));
        assertThatThrownBy(() -> GgufFile.open(k)).hasMessage("dk.gguf: duplicate key 'k'");
    }

    @Test
    void tensorNameOfTerminalEscapeSequencesIsPrintedEscaped() throws IOException {
        // ESC [2J clears the screen, ESC ]0;...BEL retitles the terminal: a message must show them, not run them.
        Path p = gguf().tensorInfo("\u001b[2J\u001b]0;owned\u0007", 0, new long[]{1, 1, 1, 1, 1}, 0).write(dir.resolve("t.gguf"));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("t.gguf: tensor '\\u001B[2J\\u001B]0;owned\\u0007' has 5 dimensions (1..4 allowed)");
    }

    @Test
    void keyOfControlCharactersIsPrintedEscaped() throws IOException {
        Path p = gguf().kv("a\nb\u0000", 99, b -> b.u32(0)).write(dir.resolve("k.gguf"));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("k.gguf: key 'a\\u000Ab\\u0000' has unknown value type 99");
    }

    @Test
    void tensorNameOf64BytesIsRejectedAsGgmlDoes() throws IOException {
        Path p = gguf().f32Tensor("n".repeat(64), new long[]{1}, 1f).write(dir.resolve("l.gguf"));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("l.gguf: tensor name at byte 24 is 64 bytes long (at most 63, ggml's GGML_MAX_NAME; corrupt file?), starting '"
                        + "n".repeat(64) + "'");
    }

    @Test
    void missingRequiredKeyIsNamed() throws IOException {
        try (GgufFile f = GgufFile.open(valid().write(dir.resolve("model.gguf")))) {
            assertThatThrownBy(() -> f.requireLong("llama.context_length")).isInstanceOf(ModelFormatException.class)
                    .hasMessage("model.gguf: missing required key 'llama.context_length'");
            assertThatThrownBy(() -> f.requireDouble("llama.rope.freq_base"))
                    .hasMessage("model.gguf: missing required key 'llama.rope.freq_base'");
            assertThatThrownBy(() -> f.requireString("tokenizer.ggml.model"))
                    .hasMessage("model.gguf: missing required key 'tokenizer.ggml.model'");
        }
    }

    @Test
    void keyOfTheWrongTypeIsNamed() throws IOException {
        try (GgufFile f = GgufFile.open(valid().write(dir.resolve("model.gguf")))) {
            assertThatThrownBy(() -> f.requireLong("general.architecture"))
                    .hasMessage("model.gguf: key 'general.architecture' is not an integer");
        }
    }

    @Test
    void missingRequiredTensorIsNamed() throws IOException {
        try (GgufFile f = GgufFile.open(valid().write(dir.resolve("model.gguf")))) {
            assertThatThrownBy(() -> f.requireTensor("output.weight")).isInstanceOf(ModelFormatException.class)
                    .hasMessage("model.gguf: missing required tensor 'output.weight'");
            assertThatThrownBy(() -> f.tensor("output.weight")).isInstanceOf(ModelFormatException.class)
                    .hasMessage("model.gguf: missing required tensor 'output.weight'");
        }
    }

    @Test
    void tensorIsTheMappedSliceUnderItsGgufName() throws IOException {
        try (GgufFile f = GgufFile.open(valid().write(dir.resolve("model.gguf")))) {
            TensorData t = f.tensor("b.weight");
            assertThat(t.name()).isEqualTo("b.weight");
            assertThat(t.type()).isEqualTo(GgmlType.F32);
            assertThat(t.ne()).containsExactly(2, 3);
            assertThat(t.data().byteSize()).isEqualTo(24);
            assertThat(t.data().get(F32_LE, 0)).isEqualTo(1f);
            assertThat(t.rowCount()).isEqualTo(3);
        }
    }

    @Test
    void architectureOtherThanLlamaIsNotSupported() throws IOException {
        Path p = gguf().kv("general.architecture", "gemma2").write(dir.resolve("model.gguf"));
        try (GgufFile f = GgufFile.open(p)) {
            assertThatThrownBy(f::requireArchitecture).isInstanceOf(ModelFormatException.class)
                    .hasMessage("model.gguf: architecture 'gemma2' is not supported (supported: llama)");
        }
    }

    @Test
    void llamaArchitectureIsAccepted() throws IOException {
        try (GgufFile f = GgufFile.open(valid().write(dir.resolve("model.gguf")))) {
            assertThat(f.requireArchitecture()).isEqualTo("llama");
        }
    }

    @Test
    void missingArchitectureIsAMissingKey() throws IOException {
        try (GgufFile f = GgufFile.open(gguf().write(dir.resolve("model.gguf")))) {
            assertThatThrownBy(f::requireArchitecture).hasMessage("model.gguf: missing required key 'general.architecture'");
        }
    }

    @Test
    void alignmentOtherThan32IsHonoured() throws IOException {
        byte[] bytes = gguf().alignment(64).kv("general.name", "x").f32Tensor("a", new long[]{3}, 1, 2, 3).f32Tensor("b", new long[]{2}, 7, 8).build();
        try (GgufFile f = GgufFile.open(write("a64.gguf", bytes))) {
            assertThat(f.requireTensor("b").offset()).isEqualTo(64);
            assertThat(f.tensor("a").data().get(F32_LE, 8)).isEqualTo(3f);
            assertThat(f.tensor("b").data().get(F32_LE, 4)).isEqualTo(8f);
        }
        // and the data section itself starts on a 64-byte boundary of the file (the header is 156 bytes: 192, where 32 would give 160)
        assertThat(indexOfFloat(bytes, 1f)).isEqualTo(192);
        assertThat(indexOfFloat(bytes, 7f)).isEqualTo(192 + 64);
    }

    private static int indexOfFloat(byte[] bytes, float v) {
        int bits = Float.floatToRawIntBits(v);
        for (int i = 0; i + 4 <= bytes.length; i++) {
            int x = (bytes[i] & 0xFF) | (bytes[i + 1] & 0xFF) << 8 | (bytes[i + 2] & 0xFF) << 16 | (bytes[i + 3] & 0xFF) << 24;
            if (x == bits) return i;
        }
        return -1;
    }

    @Test
    void alignmentOf8PacksTensorsCloser() throws IOException {
        byte[] bytes = gguf().alignment(8).f32Tensor("a", new long[]{3}, 1, 2, 3).f32Tensor("b", new long[]{2}, 7, 8).build();
        try (GgufFile f = GgufFile.open(write("a8.gguf", bytes))) {
            assertThat(f.requireTensor("b").offset()).isEqualTo(16);
            assertThat(f.tensor("b").data().get(F32_LE, 0)).isEqualTo(7f);
            assertThat(bytes.length % 8).isZero();
        }
    }

    @Test
    void alignmentThatIsNotAPowerOfTwoIsRejected() throws IOException {
        Path p = gguf().kvU32("general.alignment", 48).write(dir.resolve("a48.gguf"));
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("a48.gguf: general.alignment must be a power of two up to 2^30, got 48");
    }

    @Test
    void nonExistentPathIsNoSuchFile() {
        Path p = dir.resolve("absent.gguf");
        assertThatThrownBy(() -> GgufFile.open(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage(p + ": no such file");
    }
}
