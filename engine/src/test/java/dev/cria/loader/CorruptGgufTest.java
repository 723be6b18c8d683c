package dev.cria.loader;

import dev.cria.util.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue #17 defects 5, 6 and 14: a GGUF file with one corrupt value fails to load with one line
 * naming the file and the key or tensor, instead of loading and generating NaN logits or failing
 * with an index error.
 */
class CorruptGgufTest {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    /** Loads {@code model} expecting a one-line ModelFormatException; returns its message. */
    private static String loadError(Path model) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> {
            try (ModelLoader.Weights w = ModelLoader.loadWeights(model)) {
                throw new AssertionError("loaded: " + w.config());
            }
        });
        assertThat(t).isInstanceOf(ModelFormatException.class);
        assertThat(t.getMessage()).doesNotContain("\n").startsWith(model.getFileName() + ": ");
        return t.getMessage();
    }

    @Test
    void untouchedCopyLoads() throws Exception {
        try (ModelLoader.Weights w = ModelLoader.loadWeights(CorruptTinyModel.withKey(dir, "general.name", "copy"))) {
            assertThat(w.config().blockCount()).isEqualTo(2);
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, 0, -1, Double.POSITIVE_INFINITY})
    void ropeFreqBaseThatIsNotAFinitePositiveNumberIsRejectedNamingTheKey(double base) {
        assertThat(loadError(CorruptTinyModel.withKey(dir, "llama.rope.freq_base", base)))
                .isEqualTo("corrupt.gguf: llama.rope.freq_base is " + (float) base + ", expected a finite number > 0");
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, -1, 0, 1})
    void rmsEpsilonOutsideZeroToOneIsRejectedNamingTheKey(double eps) {
        assertThat(loadError(CorruptTinyModel.withKey(dir, "llama.attention.layer_norm_rms_epsilon", eps)))
                .isEqualTo("corrupt.gguf: llama.attention.layer_norm_rms_epsilon is " + (float) eps + ", expected a number in (0, 1)");
    }

    @Test
    void ropeFreqBaseOfTheWrongTypeIsRejectedNotDefaulted() {
        assertThat(loadError(CorruptTinyModel.withKey(dir, "llama.rope.freq_base", "500000")))
                .isEqualTo("corrupt.gguf: key 'llama.rope.freq_base' is not a number");
    }

    @Test
    void blockCountZeroIsRejectedNamingTheKey() {
        assertThat(loadError(CorruptTinyModel.withKey(dir, "llama.block_count", 0L)))
                .isEqualTo("corrupt.gguf: llama.block_count is 0, expected 1..4096");
    }

    @Test
    void blockCountOfUint32MaxIsRejectedNamingTheKey() {
        assertThat(loadError(CorruptTinyModel.withKey(dir, "llama.block_count", 4294967295L)))
                .isEqualTo("corrupt.gguf: key 'llama.block_count' is 4294967295, out of range");
    }

    @Test
    void blockCountAboveTheTensorsInTheFileNamesTheMissingTensor() {
        assertThat(loadError(CorruptTinyModel.withKey(dir, "llama.block_count", 3L)))
                .isEqualTo("corrupt.gguf: missing required tensor 'blk.2.attn_norm.weight'");
    }

    @Test
    void headCountKvThatDoesNotDivideHeadCountIsRejected() {
        assertThat(loadError(CorruptTinyModel.withKey(dir, "llama.attention.head_count_kv", 3L)))
                .isEqualTo("corrupt.gguf: llama.attention.head_count 4 is not a multiple of llama.attention.head_count_kv 3");
    }

    @Test
    void contextLengthZeroIsRejectedNamingTheKey() {
        assertThat(loadError(CorruptTinyModel.withKey(dir, "llama.context_length", 0L)))
                .isEqualTo("corrupt.gguf: llama.context_length is 0, expected 1..67108864");
    }

    @Test
    void vocabSizeZeroIsRejectedNamingTheKey() {
        assertThat(loadError(CorruptTinyModel.withKey(dir, "llama.vocab_size", 0L)))
                .isEqualTo("corrupt.gguf: llama.vocab_size is 0, expected 1..16777216");
    }

    @Test
    void embeddingLengthThatDisagreesWithTheTensorsNamesTheTensor() {
        assertThat(loadError(CorruptTinyModel.withKey(dir, "llama.embedding_length", 128L)))
                .isEqualTo("corrupt.gguf: tensor 'token_embd.weight' has shape [64, 128256], expected [128, 128256]");
    }

    @Test
    void nanRopeFreqFactorIsRejectedNamingTheTensor() {
        assertThat(loadError(CorruptTinyModel.withTensor(dir, "rope_freqs.weight", d -> d.set(F32, 4 * 3, Float.NaN))))
                .isEqualTo("corrupt.gguf: tensor 'rope_freqs.weight' value 3 is NaN (corrupt weights)");
    }

    @Test
    void negativeRopeFreqFactorIsRejectedNamingTheTensor() {
        assertThat(loadError(CorruptTinyModel.withTensor(dir, "rope_freqs.weight", d -> d.set(F32, 0, -1f))))
                .isEqualTo("corrupt.gguf: rope_freqs.weight value 0 is -1.0, expected a finite number > 0");
    }

    @Test
    void allNaNNormWeightIsRejectedNamingTheTensor() {
        Path model = CorruptTinyModel.withTensor(dir, "blk.1.ffn_norm.weight", d -> {
            for (long o = 0; o < d.byteSize(); o += 4) d.set(F32, o, Float.NaN);
        });
        assertThat(loadError(model)).isEqualTo("corrupt.gguf: tensor 'blk.1.ffn_norm.weight' value 0 is NaN (corrupt weights)");
    }

    @Test
    void nanQ8_0ScaleInTheEmbeddingIsRejectedNamingTheTensorAndBlock() {
        // block_q8_0 is {f16 d; int8 qs[32]}: 34 bytes, the scale first. 0x7E00 is an f16 NaN.
        Path model = CorruptTinyModel.withTensor(dir, "token_embd.weight", d -> d.set(F16, 34L * 1000, (short) 0x7E00));
        assertThat(loadError(model)).isEqualTo("corrupt.gguf: tensor 'token_embd.weight' block 1000's scale is NaN (corrupt weights)");
    }

    @Test
    void infiniteQ8_0ScaleInTheEmbeddingIsRejected() {
        Path model = CorruptTinyModel.withTensor(dir, "token_embd.weight", d -> d.set(F16, 34L * 256_511, (short) 0xFC00));
        assertThat(loadError(model)).isEqualTo("corrupt.gguf: tensor 'token_embd.weight' block 256511's scale is -Infinity (corrupt weights)");
    }

    @Test
    void corruptTensorNameLengthGivesOneShortLine() throws IOException {
        // The first tensor info's name length (u64 before "output_norm.weight"), made 4.56 MB as in the issue.
        byte[] b = Files.readAllBytes(CorruptTinyModel.TINY_Q8_0);
        int at = indexOf(b, lengthPrefixed("output_norm.weight"));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(at, 4_560_000L);
        String message = loadError(Files.write(dir.resolve("corrupt.gguf"), b));
        assertThat(message).startsWith("corrupt.gguf: tensor name at byte " + at + " is 4560000 bytes long (at most 63, ggml's GGML_MAX_NAME;")
                .contains("corrupt file?), starting 'output_norm.weight");
        assertThat(message.length()).isLessThan(400);
        assertThat(message.chars().noneMatch(Character::isISOControl)).isTrue();
    }

    private static byte[] lengthPrefixed(String s) {
        byte[] name = s.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + name.length).order(ByteOrder.LITTLE_ENDIAN).putLong(name.length).put(name).array();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) if (haystack[i + j] != needle[j]) continue outer;
            return i;
        }
        throw new AssertionError("not found");
    }
}
