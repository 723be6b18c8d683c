package dev.cria.tokenizer;

import dev.cria.util.ModelFormatException;
import dev.cria.util.StrictJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Loading rules: what a tokenizer.json must say, and the one-line errors otherwise. */
class VocabularyTest {
    @TempDir
    Path dir;

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
    void aStringMergeWithoutASpaceIsNamedWithTheFile() throws IOException {
        Path file = smallTokenizerJson("{\"a\": 0, \"b\": 1, \"ab\": 2}", "[\"a b\", \"ab\"]", "[]");

        assertThatThrownBy(() -> Tokenizer.fromHfTokenizerJson(file)).isInstanceOf(ModelFormatException.class)
                .hasMessage("tokenizer.json: model.merges[1] must be \"left right\" or [\"left\", \"right\"], got \"ab\"");
    }

    @Test
    void aPairMergeWithAnEmptyLeftIsNamedWithTheFile() throws IOException {
        Path file = smallTokenizerJson("{\"a\": 0, \"b\": 1}", "[[\"\", \"b\"]]", "[]");

        assertThatThrownBy(() -> Tokenizer.fromHfTokenizerJson(file)).isInstanceOf(ModelFormatException.class)
                .hasMessage("tokenizer.json: model.merges[0] must be \"left right\" or [\"left\", \"right\"], got [\"\",\"b\"]");
    }

    @Test
    void aVocabularyWithoutByteTokensIsNamedWithTheFile() throws IOException {
        Path file = validSmallTokenizerJson();

        assertThatThrownBy(() -> Tokenizer.fromHfTokenizerJson(file)).isInstanceOf(ModelFormatException.class)
                .hasMessageStartingWith("tokenizer.json: tokenizer: no token for byte 0x0 ");
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
