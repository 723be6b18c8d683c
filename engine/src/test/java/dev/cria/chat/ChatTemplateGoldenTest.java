package dev.cria.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cria.util.StrictJson;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of testdata/golden/chat_template.jsonl: the Llama 3.2 template rendered by
 * @huggingface/jinja 0.5.11 (see testdata/golden/README.md §5) must be reproduced exactly.
 */
class ChatTemplateGoldenTest {

    static Stream<Arguments> cases() throws IOException {
        Path file = Path.of(System.getProperty("cria.testdata"), "golden", "chat_template.jsonl");
        List<Arguments> out = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) continue;
            Map<String, Object> c = StrictJson.parseObject(line);
            out.add(Arguments.of(c.get("name"), c));
        }
        return out.stream();
    }

    /** The 39 cases that render (the other two expect an error and have no ids). */
    @SuppressWarnings("unchecked")
    static Stream<Arguments> renderedCases() throws IOException {
        return cases().filter(a -> !((Map<String, Object>) a.get()[1]).containsKey("error"));
    }

    @Test
    void theGoldenFileHasAllFortyOneCases() throws IOException {
        assertThat(cases()).hasSize(41);
        assertThat(renderedCases()).hasSize(39);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void rendersLikeTheReferenceRenderer(String name, Map<String, Object> c) {
        List<ChatMessage> messages = toMessages((List<Object>) c.get("messages"));
        List<Object> tools = (List<Object>) c.get("tools");
        boolean addGenerationPrompt = (Boolean) c.get("add_generation_prompt");
        String date = (String) c.get("date_string");
        boolean toolsInUserMessage = true;
        if (c.get("template_kwargs") instanceof Map<?, ?> kw && kw.get("tools_in_user_message") instanceof Boolean b) {
            toolsInUserMessage = b;
        }
        boolean inUser = toolsInUserMessage;
        if (c.containsKey("error")) {
            assertThatThrownBy(() -> ChatTemplate.renderText(messages, tools, addGenerationPrompt, date, inUser))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage((String) c.get("error"));
        } else {
            assertThat(ChatTemplate.renderText(messages, tools, addGenerationPrompt, date, inUser))
                    .isEqualTo(c.get("rendered"));
        }
    }

    /**
     * Without the tokenizer the golden ids still pin the token-level structure: the special ids in
     * llama.cpp's tokenization (ids >= 128000; {@code rendered_ids_content_as_text} where content
     * holds special-token text) must be exactly our Special segments, in order.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("renderedCases")
    @SuppressWarnings("unchecked")
    void specialSegmentsAreTheSpecialIdsOfTheGoldenTokenization(String name, Map<String, Object> c) {
        Map<String, Long> specialIds = Map.of("<|begin_of_text|>", 128000L, "<|start_header_id|>", 128006L,
                "<|end_header_id|>", 128007L, "<|eot_id|>", 128009L);
        List<Object> golden = (List<Object>) c.getOrDefault("rendered_ids_content_as_text", c.get("rendered_ids"));
        List<Long> goldenSpecials = golden.stream().map(o -> (Long) o).filter(id -> id >= 128000).toList();

        boolean inUser = !(c.get("template_kwargs") instanceof Map<?, ?> kw) || !Boolean.FALSE.equals(kw.get("tools_in_user_message"));
        List<Segment> segs = ChatTemplate.render(toMessages((List<Object>) c.get("messages")), (List<Object>) c.get("tools"),
                (Boolean) c.get("add_generation_prompt"), (String) c.get("date_string"), inUser);
        List<Long> ours = segs.stream().filter(s -> s instanceof Segment.Special)
                .map(s -> specialIds.get(((Segment.Special) s).token())).toList();
        assertThat(ours).isEqualTo(goldenSpecials);
    }

    /** OpenAI-style message maps (as the golden stores them) to ChatMessage. */
    @SuppressWarnings("unchecked")
    static List<ChatMessage> toMessages(List<Object> raw) {
        List<ChatMessage> out = new ArrayList<>();
        for (Object o : raw) {
            Map<String, Object> m = (Map<String, Object>) o;
            List<ToolCall> calls = new ArrayList<>();
            if (m.get("tool_calls") instanceof List<?> tcs) {
                for (Object t : tcs) {
                    Map<String, Object> tc = (Map<String, Object>) t;
                    Map<String, Object> fn = (Map<String, Object>) tc.get("function");
                    calls.add(new ToolCall((String) tc.get("id"), (String) fn.get("name"), fn.get("arguments")));
                }
            }
            out.add(new ChatMessage((String) m.get("role"), m.get("content"), calls));
        }
        return out;
    }
}
