package dev.cria.loader;

import dev.cria.chat.ChatMessage;
import dev.cria.chat.ChatTemplate;
import dev.cria.chat.TemplateTokens;
import dev.cria.chat.ToolCall;
import dev.cria.tokenizer.Tokenizer;
import dev.cria.util.StrictJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat template rendered to ids with the real tokenizer equals llama.cpp's tokenization of the
 * reference rendering (testdata/golden/chat_template.jsonl {@code rendered_ids}); where a message
 * types special-token text, the safe ids ({@code rendered_ids_content_as_text}) where it stays text.
 */
class ChatTemplateIdsTest {
    private static final Tokenizer TOKENIZER = ModelLoader.loadTokenizer(Golden.model("tiny-llama3-F16.gguf"));
    private static final TemplateTokens TOKENS = new TemplateTokens() {
        @Override
        public int[] encodePlain(String text) {
            return TOKENIZER.encode(text, false);
        }

        @Override
        public int specialId(String token) {
            return TOKENIZER.specialId(token);
        }
    };

    @SuppressWarnings("unchecked")
    static Stream<Arguments> cases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (String line : Files.readAllLines(Golden.DATA.resolve("golden/chat_template.jsonl"))) {
            if (line.isBlank()) continue;
            Map<String, Object> c = StrictJson.parseObject(line);
            if (c.containsKey("error")) continue; // error cases are covered by ChatTemplateGoldenTest
            out.add(Arguments.of(c.get("name"), c));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    @SuppressWarnings("unchecked")
    void idsEqualTheReference(String name, Map<String, Object> c) {
        List<ChatMessage> messages = new ArrayList<>();
        for (Object o : (List<Object>) c.get("messages")) {
            Map<String, Object> m = (Map<String, Object>) o;
            List<ToolCall> calls = new ArrayList<>();
            if (m.get("tool_calls") instanceof List<?> tc) {
                for (Object t : tc) {
                    Map<String, Object> call = (Map<String, Object>) t;
                    Map<String, Object> fn = call.containsKey("function") ? (Map<String, Object>) call.get("function") : call;
                    calls.add(new ToolCall((String) call.get("id"), (String) fn.get("name"), fn.get("arguments")));
                }
            }
            messages.add(new ChatMessage((String) m.get("role"), m.get("content"), calls));
        }
        List<Object> tools = (List<Object>) c.get("tools");
        Map<String, Object> kwargs = c.get("template_kwargs") instanceof Map<?, ?> k ? (Map<String, Object>) k : Map.of();
        boolean toolsInUser = !Boolean.FALSE.equals(kwargs.get("tools_in_user_message"));
        int[] ids = ChatTemplate.renderIds(messages, tools, (Boolean) c.get("add_generation_prompt"),
                (String) c.get("date_string"), toolsInUser, TOKENS);
        List<Object> expected = (List<Object>) (c.containsKey("rendered_ids_content_as_text")
                ? c.get("rendered_ids_content_as_text") : c.get("rendered_ids"));
        assertThat(ids).containsExactly(Golden.ints(expected));
    }
}
