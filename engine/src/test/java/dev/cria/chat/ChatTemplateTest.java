package dev.cria.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Token-level structure of the rendered template (the golden test covers the text). */
class ChatTemplateTest {
    private static final String DATE = "26 Jul 2024";

    /** Records every plain run it is asked to encode; a plain run encodes to one id per char. */
    static final class RecordingTokens implements TemplateTokens {
        final List<String> plainRuns = new ArrayList<>();
        static final Map<String, Integer> SPECIALS = Map.of(
                "<|begin_of_text|>", 128000, "<|start_header_id|>", 128006,
                "<|end_header_id|>", 128007, "<|eot_id|>", 128009);

        @Override
        public int[] encodePlain(String text) {
            plainRuns.add(text);
            return text.chars().toArray();
        }

        @Override
        public int specialId(String token) {
            Integer id = SPECIALS.get(token);
            if (id == null) throw new IllegalArgumentException("unknown special " + token);
            return id;
        }
    }

    @Test
    void specialTokenTextTypedInContentStaysPlainText() {
        List<ChatMessage> msgs = List.of(ChatMessage.of("user", "print <|eot_id|> and <|start_header_id|> now"));
        List<Segment> segs = ChatTemplate.render(msgs, null, true, DATE);
        assertThat(segs).contains(new Segment.Text("\n\nprint <|eot_id|> and <|start_header_id|> now"));
        long specials = segs.stream().filter(s -> s instanceof Segment.Special).count();
        // BOS + system header (2) + eot + user header (2) + eot + assistant header (2)
        assertThat(specials).isEqualTo(9);
    }

    @Test
    void segmentsAreMaximalRunsWithNoEmptyText() {
        List<ChatMessage> msgs = List.of(ChatMessage.of("system", "Be brief."), ChatMessage.of("user", ""));
        List<Segment> segs = ChatTemplate.render(msgs, List.of(Map.of("name", "f")), true, DATE);
        for (int i = 0; i < segs.size(); i++) {
            if (segs.get(i) instanceof Segment.Text t) {
                assertThat(t.text()).isNotEmpty();
                if (i + 1 < segs.size()) assertThat(segs.get(i + 1)).isInstanceOf(Segment.Special.class);
            }
        }
    }

    @Test
    void renderIdsEncodesEachPlainRunBetweenSpecialsAsOneString() {
        RecordingTokens tokens = new RecordingTokens();
        List<ChatMessage> msgs = List.of(ChatMessage.of("user", "Hi <|eot_id|> there"));
        int[] ids = ChatTemplate.renderIds(msgs, null, true, DATE, tokens);
        assertThat(tokens.plainRuns).containsExactly(
                "system",
                "\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n",
                "user",
                "\n\nHi <|eot_id|> there",
                "assistant",
                "\n\n");
        assertThat(ids[0]).isEqualTo(128000);
        assertThat(ids[1]).isEqualTo(128006);
        assertThat(ids[ids.length - 3]).isEqualTo(128007);
        assertThat(ids[ids.length - 1]).isEqualTo('\n');
    }

    @Test
    void renderIdsMatchesSegmentsOneForOne() {
        RecordingTokens tokens = new RecordingTokens();
        List<ChatMessage> msgs = List.of(ChatMessage.of("user", "a"), ChatMessage.of("assistant", "b"));
        List<Segment> segs = ChatTemplate.render(msgs, null, false, DATE);
        List<Integer> expected = new ArrayList<>();
        for (Segment s : segs) {
            switch (s) {
                case Segment.Special sp -> expected.add(RecordingTokens.SPECIALS.get(sp.token()));
                case Segment.Text t -> t.text().chars().forEach(expected::add);
            }
        }
        assertThat(ChatTemplate.renderIds(msgs, null, false, DATE, tokens))
                .containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
    }

    @Test
    void idsJoinAdjacentTextSegmentsGivenByACaller() {
        RecordingTokens tokens = new RecordingTokens();
        List<Segment> segs = List.of(new Segment.Text("\n\n"), new Segment.Text("Hello"),
                new Segment.Special("<|eot_id|>"), new Segment.Text("x"));
        int[] ids = ChatTemplate.ids(segs, tokens);
        assertThat(tokens.plainRuns).containsExactly("\n\nHello", "x");
        assertThat(ids).containsExactly('\n', '\n', 'H', 'e', 'l', 'l', 'o', 128009, 'x');
    }

    @Test
    void textOfSegmentsIsTheirConcatenation() {
        List<ChatMessage> msgs = List.of(ChatMessage.of("user", "Hi"));
        assertThat(ChatTemplate.text(ChatTemplate.render(msgs, null, false, DATE)))
                .isEqualTo(ChatTemplate.renderText(msgs, null, false, DATE))
                .endsWith("<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>");
    }

    @Test
    void todayIsDayMonthAbbreviationYearInEnglish() {
        Clock clock = Clock.fixed(Instant.parse("2026-09-05T12:00:00Z"), ZoneOffset.UTC);
        assertThat(ChatTemplate.today(clock)).isEqualTo("05 Sep 2026");
    }

    @Test
    void nullDateStringMeansToday() {
        String text = ChatTemplate.renderText(List.of(ChatMessage.of("user", "x")), null, false, null);
        assertThat(text).contains("Today Date: " + ChatTemplate.today() + "\n\n");
    }

    @Test
    void nonStringContentOfAnOrdinaryMessageIsRejectedNamingTheMessage() {
        List<ChatMessage> msgs = List.of(ChatMessage.of("user", "a"),
                new ChatMessage("user", Map.of("k", "v"), List.of()));
        assertThatThrownBy(() -> ChatTemplate.render(msgs, null, true, DATE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("message 1");
    }

    @Test
    void missingContentRendersAsEmpty() {
        List<ChatMessage> msgs = List.of(new ChatMessage("user", null, List.of()));
        assertThat(ChatTemplate.renderText(msgs, null, false, DATE))
                .endsWith("<|start_header_id|>user<|end_header_id|>\n\n<|eot_id|>");
    }

    @Test
    void numericToolResultPrintsAsIs() {
        List<ChatMessage> msgs = List.of(ChatMessage.of("user", "n?"), new ChatMessage("tool", 22L, List.of()));
        assertThat(ChatTemplate.renderText(msgs, null, false, DATE))
                .endsWith("<|start_header_id|>ipython<|end_header_id|>\n\n22<|eot_id|>");
    }

    @Test
    void toolsInTheSystemMessageNeedNoUserMessage() {
        List<ChatMessage> msgs = List.of(ChatMessage.of("system", "S"));
        assertThat(ChatTemplate.renderText(msgs, List.of(Map.of("name", "f")), true, DATE, false))
                .contains("{\n    \"name\": \"f\"\n}\n\nS<|eot_id|>");
    }

    @Test
    void trimFollowsJavaScriptWhitespace() {
        assertThat(ChatTemplate.jsTrim("\u00a0\ufeff\u3000 x \u2028\u2029\u000b")).isEqualTo("x");
        // zero-width space is not whitespace in JavaScript, nor are the C0 separators U+001C..U+001F
        assertThat(ChatTemplate.jsTrim("\u200bx\u001f")).isEqualTo("\u200bx\u001f");
    }
}
