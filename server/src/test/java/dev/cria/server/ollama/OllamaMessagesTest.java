package dev.cria.server.ollama;

import dev.cria.chat.ChatMessage;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.RequestFields;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OllamaMessagesTest {
    private static List<ChatMessage> read(String messages) {
        return OllamaMessages.read(RequestFields.of(ApiJson.parseObject(("{\"messages\":" + messages + "}")
                .getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void anAssistantToolCallKeepsItsArgumentsObject() {
        ChatMessage m = read("[{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"get_weather\","
                + "\"arguments\":{\"city\":\"Paris\"}}}]}]").getFirst();

        assertThat(m.content()).isNull();
        assertThat(m.toolCalls()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("get_weather");
            assertThat(c.arguments()).isEqualTo(Map.of("city", "Paris"));
        });
    }

    @Test
    void aToolResultIsAToolMessageWhateverItsToolName() {
        assertThat(read("[{\"role\":\"tool\",\"tool_name\":\"get_weather\",\"content\":\"sunny\"}]"))
                .containsExactly(ChatMessage.of("tool", "sunny"));
    }

    @Test
    void missingContentIsEmpty() {
        assertThat(read("[{\"role\":\"user\"}]")).containsExactly(ChatMessage.of("user", ""));
    }

    @Test
    void argumentsThatAreNotAnObjectAreRefused() {
        assertThatThrownBy(() -> read("[{\"role\":\"assistant\",\"tool_calls\":[{\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}]"))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.param()).isEqualTo("messages[0].tool_calls[0].function.arguments"));
    }

    @Test
    void anUnknownRoleIsRefused() {
        assertThatThrownBy(() -> read("[{\"role\":\"developer\",\"content\":\"x\"}]"))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.param()).isEqualTo("messages[0].role"));
    }
}
