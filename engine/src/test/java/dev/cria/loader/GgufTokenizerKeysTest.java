package dev.cria.loader;

import dev.cria.io.gguf.GgufFile;
import dev.cria.tokenizer.Tokenizer;
import dev.cria.tokenizer.Vocabulary;
import dev.cria.util.ModelFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a GGUF's tokenizer.ggml.* keys must say, and the one-line errors naming the file otherwise. */
class GgufTokenizerKeysTest {
    @TempDir
    Path dir;

    /** Writes a GGUF v3 file with only metadata (strings, string arrays, int arrays, u32, bool). */
    private Path gguf(Map<String, Object> kv) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46554747).putInt(3).putLong(0).putLong(kv.size());
        for (Map.Entry<String, Object> e : kv.entrySet()) {
            putString(b, e.getKey());
            switch (e.getValue()) {
                case String s -> { b.putInt(8); putString(b, s); }
                case Integer i -> b.putInt(4).putInt(i);
                case Boolean z -> b.putInt(7).put((byte) (z ? 1 : 0));
                case String[] a -> { b.putInt(9).putInt(8).putLong(a.length); for (String s : a) putString(b, s); }
                case int[] a -> { b.putInt(9).putInt(5).putLong(a.length); for (int i : a) b.putInt(i); }
                default -> throw new IllegalArgumentException(e.getKey());
            }
        }
        out.write(b.array(), 0, b.position());
        Path p = dir.resolve("t.gguf");
        Files.write(p, out.toByteArray());
        return p;
    }

    private static void putString(ByteBuffer b, String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        b.putLong(u.length).put(u);
    }

    private static Map<String, Object> llama3Keys() {
        String[] tokens = new String[258];
        int[] types = new int[258];
        for (int i = 0; i < 256; i++) { tokens[i] = String.valueOf(byteToChar(i)); types[i] = 1; }
        tokens[256] = "hi"; types[256] = 1;
        tokens[257] = "<|eot_id|>"; types[257] = 3;
        Map<String, Object> kv = new LinkedHashMap<>();
        kv.put("tokenizer.ggml.model", "gpt2");
        kv.put("tokenizer.ggml.pre", "llama-bpe");
        kv.put("tokenizer.ggml.tokens", tokens);
        kv.put("tokenizer.ggml.token_type", types);
        kv.put("tokenizer.ggml.merges", new String[]{"h i"});
        kv.put("tokenizer.ggml.bos_token_id", 257);
        kv.put("tokenizer.ggml.eos_token_id", 257);
        kv.put("tokenizer.ggml.add_bos_token", false);
        return kv;
    }

    /**
     * GPT-2's byte-to-unicode table (encoder.py {@code bytes_to_unicode}), which names the 256 byte
     * tokens every byte-level BPE vocabulary must have: printable Latin-1 bytes stand for themselves,
     * the others for 256, 257, ... in byte order.
     */
    private static char byteToChar(int b) {
        boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        if (printable) return (char) b;
        int extra = 0;
        for (int c = 0; c < b; c++) {
            if (!((c >= '!' && c <= '~') || (c >= 0xA1 && c <= 0xAC) || (c >= 0xAE && c <= 0xFF))) extra++;
        }
        return (char) (256 + extra);
    }

    private Tokenizer tokenizer(Map<String, Object> kv) throws IOException {
        try (GgufFile f = GgufFile.open(gguf(kv))) {
            return GgufTokenizerKeys.tokenizer(f);
        }
    }

    private Vocabulary load(Map<String, Object> kv) throws IOException {
        return tokenizer(kv).vocabulary();
    }

    @Test
    void readsEveryTokenizerKeyOfAGguf() throws IOException {
        Vocabulary v = load(llama3Keys());
        assertThat(v.size()).isEqualTo(258);
        assertThat(v.tokens()[256]).isEqualTo("hi");
        assertThat(v.tokenTypes()[257]).isEqualTo(Vocabulary.CONTROL);
        assertThat(v.merges()).containsExactly("h i");
        assertThat(v.bosId()).isEqualTo(257);
        assertThat(v.eosIds()).containsExactly(257);
        assertThat(v.addBos()).isFalse();
        assertThat(v.ignoreMerges()).isTrue();
        assertThat(tokenizer(llama3Keys()).encode("hi<|eot_id|>", true)).containsExactly(256, 257);
    }

    @Test
    void rejectsANonGpt2TokenizerModel() {
        Map<String, Object> kv = llama3Keys();
        kv.put("tokenizer.ggml.model", "llama");
        assertThatThrownBy(() -> load(kv)).isInstanceOf(ModelFormatException.class)
                .hasMessage("t.gguf: tokenizer.ggml.model is 'llama'; only 'gpt2' (Llama 3 byte-level BPE) is supported");
    }

    @Test
    void rejectsAnotherPreTokenizer() {
        Map<String, Object> kv = llama3Keys();
        kv.put("tokenizer.ggml.pre", "qwen2");
        assertThatThrownBy(() -> load(kv)).isInstanceOf(ModelFormatException.class)
                .hasMessage("t.gguf: tokenizer.ggml.pre is 'qwen2'; only the Llama 3 pre-tokenizer ('llama-bpe') is supported");
        kv.remove("tokenizer.ggml.pre");
        assertThatThrownBy(() -> load(kv)).hasMessageContaining("tokenizer.ggml.pre is missing");
    }

    @Test
    void rejectsMismatchedTokenTypesAndBadIds() {
        Map<String, Object> kv = llama3Keys();
        kv.put("tokenizer.ggml.token_type", new int[3]);
        assertThatThrownBy(() -> load(kv)).hasMessage("t.gguf: tokenizer: 258 tokens but 3 token types");
        Map<String, Object> kv2 = llama3Keys();
        kv2.put("tokenizer.ggml.eos_token_id", 999);
        assertThatThrownBy(() -> load(kv2)).hasMessage("t.gguf: tokenizer: eos id 999 outside the vocabulary");
    }

    @Test
    void anIdOf0xFFFFFFFFIsNoTokenAsInLlamaCpp() throws IOException {
        Map<String, Object> kv = llama3Keys();
        kv.put("tokenizer.ggml.bos_token_id", 0xFFFFFFFF); // a u32 key: LLAMA_TOKEN_NULL
        kv.put("tokenizer.ggml.eos_token_id", 0xFFFFFFFF);
        Vocabulary v = load(kv);
        assertThat(v.bosId()).isEqualTo(-1);
        assertThat(v.eosIds()).isEmpty();
    }

    @Test
    void missingTokensIsAClearError() {
        Map<String, Object> kv = llama3Keys();
        kv.remove("tokenizer.ggml.tokens");
        assertThatThrownBy(() -> load(kv)).hasMessage("t.gguf: missing required key 'tokenizer.ggml.tokens'");
    }
}
