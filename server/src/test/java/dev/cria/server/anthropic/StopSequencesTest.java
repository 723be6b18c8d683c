package dev.cria.server.anthropic;

import dev.cria.engine.TokenLogprob;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StopSequencesTest {
    private static String matched(List<String> stops, String... tokens) {
        StopSequences s = new StopSequences(stops);
        for (String t : tokens) s.add(new TokenLogprob(0, t.getBytes(StandardCharsets.UTF_8), 0, List.of()));
        return s.matched();
    }

    @Test
    void theLeftmostStopStringIsTheOneTheEngineCutAt() {
        assertThat(matched(List.of("END", "the"), "Say ", "the E", "ND")).isEqualTo("the");
    }

    @Test
    void ofTwoStartingTogetherTheShorterWasCompleteFirst() {
        assertThat(matched(List.of("abc", "ab"), "xab", "c")).isEqualTo("ab");
    }

    @Test
    void aStopStringAcrossTokensAndMultiByteCharactersIsFound() {
        byte[] llama = "🦙".getBytes(StandardCharsets.UTF_8);
        StopSequences s = new StopSequences(List.of("🦙!"));
        s.add(new TokenLogprob(0, new byte[]{llama[0], llama[1]}, 0, List.of()));
        s.add(new TokenLogprob(0, new byte[]{llama[2], llama[3], '!'}, 0, List.of()));

        assertThat(s.matched()).isEqualTo("🦙!");
    }

    @Test
    void noOccurrenceMeansTheModelEndedItsTurn() {
        assertThat(matched(List.of("END"), "The end.")).isNull();
        assertThat(matched(List.of(), "anything")).isNull();
    }
}
