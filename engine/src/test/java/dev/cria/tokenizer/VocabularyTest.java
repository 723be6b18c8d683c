package dev.cria.tokenizer;

import dev.cria.io.gguf.GgufFile;
import dev.cria.util.ModelFormatException;
import dev.cria.util.StrictJson;
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

/** Loading rules: what a GGUF or tokenizer.json must say, and the one-line errors otherwise. */
class VocabularyTest {
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
        for (int i = 0; i < 256; i++) { tokens[i] = String.valueOf(ByteLevel.BYTE_TO_CHAR[i]); types[i] = 1; }
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

    private Vocabulary load(Map<String, Object> kv) throws IOException {
        try (GgufFile f = GgufFile.open(gguf(kv))) {
            return Vocabulary.fromGguf(f);
        }
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
        assertThat(new Tokenizer(v).encode("hi<|eot_id|>", true)).containsExactly(256, 257);
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
    void missingTokensIsAClearError() {
        Map<String, Object> kv = llama3Keys();
        kv.remove("tokenizer.ggml.tokens");
        assertThatThrownBy(() -> load(kv)).hasMessage("t.gguf: missing required key 'tokenizer.ggml.tokens'");
    }

    private Path tokenizerJson(String preTokenizer, String merges) throws IOException {
        StringBuilder vocab = new StringBuilder();
        for (int i = 0; i < 256; i++) {
            char c = ByteLevel.BYTE_TO_CHAR[i];
            String esc = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : String.valueOf(c);
            vocab.append('"').append(esc).append("\": ").append(i).append(", ");
        }
        vocab.append("\"hi\": 256");
        String json = """
                {"added_tokens": [{"id": 257, "content": "<|begin_of_text|>", "special": true},
                                  {"id": 258, "content": "<tool>", "special": false}],
                 "pre_tokenizer": %s,
                 "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}]},
                 "model": {"type": "BPE", "ignore_merges": true, "vocab": {%s}, "merges": %s}}
                """.formatted(preTokenizer, vocab, merges);
        Path p = dir.resolve("tokenizer.json");
        Files.writeString(p, json);
        return p;
    }

    private static String llama3PreTokenizer() {
        String regex = Llama3PreTokenizer.REGEX.replace("\\", "\\\\");
        return "{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Split\", \"pattern\": {\"Regex\": \"" + regex
                + "\"}}, {\"type\": \"ByteLevel\"}]}";
    }

    @Test
    void readsTokenizerJsonWithMergesAsStringsOrPairs() throws IOException {
        for (String merges : new String[]{"[\"h i\"]", "[[\"h\", \"i\"]]"}) {
            Vocabulary v = Vocabulary.fromHfTokenizerJson(tokenizerJson(llama3PreTokenizer(), merges));
            assertThat(v.merges()).containsExactly("h i");
            assertThat(v.size()).isEqualTo(259);
            assertThat(v.tokenTypes()[257]).isEqualTo(Vocabulary.CONTROL);
            assertThat(v.tokenTypes()[258]).isEqualTo(Vocabulary.USER_DEFINED);
            assertThat(v.bosId()).isEqualTo(257);
            assertThat(v.addBos()).isTrue();
            assertThat(v.eosIds()).isEmpty();
        }
    }

    @Test
    void rejectsTokenizerJsonWithAnotherPreTokenizer() throws IOException {
        Path p = tokenizerJson("{\"type\": \"ByteLevel\", \"add_prefix_space\": false}", "[]");
        assertThatThrownBy(() -> Vocabulary.fromHfTokenizerJson(p)).isInstanceOf(ModelFormatException.class)
                .hasMessage("tokenizer.json: pre_tokenizer is not the Llama 3 Split regex + ByteLevel (found regex none)");
    }

    @Test
    void brokenJsonAndMissingFileAreOneLineErrors() throws IOException {
        Path p = dir.resolve("tokenizer.json");
        Files.writeString(p, "{\"model\": ");
        assertThatThrownBy(() -> Vocabulary.fromHfTokenizerJson(p)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("tokenizer.json: JSON: Unexpected end-of-input");
        assertThatThrownBy(() -> Vocabulary.fromHfTokenizerJson(dir.resolve("nope.json"))).hasMessageEndingWith("nope.json: no such file");
    }

    /** A tokenizer.json the reader accepts, with these vocab, merges and added_tokens JSON texts. */
    private Path smallTokenizerJson(String vocab, String merges, String addedTokens) throws IOException {
        String preTokenizer = "{\"type\": \"Sequence\", \"pretokenizers\": [{\"type\": \"Split\", \"pattern\": {\"Regex\": "
                + StrictJson.toJson(Llama3PreTokenizer.REGEX) + "}}, {\"type\": \"ByteLevel\"}]}";
        return Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\", \"vocab\": " + vocab
                + ", \"merges\": " + merges + "}, \"pre_tokenizer\": " + preTokenizer + ", \"added_tokens\": " + addedTokens + "}");
    }

    private Path validSmallTokenizerJson() throws IOException {
        return smallTokenizerJson("{\"a\": 0, \"b\": 1, \"ab\": 2}", "[\"a b\"]",
                "[{\"id\": 3, \"content\": \"<|eot_id|>\", \"special\": true}]");
    }

    @Test
    void aVocabIdOfABillionIsAnErrorNotAnAllocation() throws IOException {
        Path file = smallTokenizerJson("{\"a\": 0, \"b\": 1000000000}", "[]", "[]");

        assertThatThrownBy(() -> Vocabulary.fromHfTokenizerJson(file)).isInstanceOf(ModelFormatException.class)
                .hasMessage("tokenizer.json: model.vocab[\"b\"] must be a token id in 0..1 (the file lists 2 tokens), got 1000000000");
    }

    @Test
    void anAddedTokenIdNear2To31IsAnErrorNotAnAllocation() throws IOException {
        Path file = smallTokenizerJson("{\"a\": 0}", "[]", "[{\"id\": 2147483646, \"content\": \"<x>\", \"special\": true}]");

        assertThatThrownBy(() -> Vocabulary.fromHfTokenizerJson(file)).isInstanceOf(ModelFormatException.class)
                .hasMessage("tokenizer.json: added_tokens[0].id must be a token id in 0..1 (the file lists 2 tokens), got 2147483646");
    }

    @Test
    void aNegativeOrNonIntegerIdIsNamed() throws IOException {
        Path negative = smallTokenizerJson("{\"a\": -1}", "[]", "[]");
        assertThatThrownBy(() -> Vocabulary.fromHfTokenizerJson(negative))
                .hasMessage("tokenizer.json: model.vocab[\"a\"] must be a token id in 0..0 (the file lists 1 tokens), got -1");
        Path text = smallTokenizerJson("{\"a\": \"0\"}", "[]", "[]");
        assertThatThrownBy(() -> Vocabulary.fromHfTokenizerJson(text))
                .hasMessage("tokenizer.json: model.vocab[\"a\"] must be a token id in 0..0 (the file lists 1 tokens), got \"0\"");
    }

    @Test
    void aMergeWithOneSideIsNamed() throws IOException {
        Path file = smallTokenizerJson("{\"a\": 0, \"b\": 1}", "[\"a b\", [\"a\"]]", "[]");

        assertThatThrownBy(() -> Vocabulary.fromHfTokenizerJson(file)).isInstanceOf(ModelFormatException.class)
                .hasMessage("tokenizer.json: model.merges[1] must be \"left right\" or [\"left\", \"right\"], got [\"a\"]");
    }

    @Test
    void aGenerationConfigEosOfTheWrongTypeBlamesGenerationConfig() throws IOException {
        Path file = validSmallTokenizerJson();
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [\"a\"]}");

        assertThatThrownBy(() -> Vocabulary.fromHfTokenizerJson(file)).isInstanceOf(ModelFormatException.class)
                .hasMessage("generation_config.json: key 'eos_token_id' must be a token id or a list of token ids in 0..3, got [\"a\"]");
    }

    @Test
    void generationConfigEosIdsAreRead() throws IOException {
        Path file = validSmallTokenizerJson();
        Files.writeString(dir.resolve("generation_config.json"), "{\"eos_token_id\": [3, 2]}");

        assertThat(Vocabulary.fromHfTokenizerJson(file).eosIds()).containsExactly(3, 2);
    }

    @Test
    void aTooDeepTokenizerJsonIsOneLineNamingIt() throws IOException {
        Path file = Files.writeString(dir.resolve("tokenizer.json"), "[".repeat(1_000_000));

        assertThatThrownBy(() -> Vocabulary.fromHfTokenizerJson(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("tokenizer.json: JSON: Document nesting depth (513) exceeds the maximum allowed (512");
    }

    @Test
    void aTooDeepSiblingConfigIsOneLineNamingIt() throws IOException {
        Path file = validSmallTokenizerJson();
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"bos_token\": " + "[".repeat(1_000_000));

        assertThatThrownBy(() -> Vocabulary.fromHfTokenizerJson(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("tokenizer_config.json: JSON: Document nesting depth (513)");
    }

    @Test
    void aRepeatedKeyInTokenizerJsonIsAnError() throws IOException {
        Path file = smallTokenizerJson("{\"a\": 0, \"a\": 1}", "[]", "[]");

        assertThatThrownBy(() -> Vocabulary.fromHfTokenizerJson(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("tokenizer.json: JSON: Duplicate field 'a'");
    }
}
