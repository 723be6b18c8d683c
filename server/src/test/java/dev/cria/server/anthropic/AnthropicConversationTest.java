package dev.cria.server.anthropic;

import dev.cria.chat.ChatMessage;
import dev.cria.chat.ToolCall;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.RequestFields;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnthropicConversationTest {
    private static List<ChatMessage> read(String body) {
        return AnthropicConversation.read(RequestFields.of(ApiJson.parseObject(body.getBytes(StandardCharsets.UTF_8))));
    }

    private static void refused(String body, String messagePrefix) {
        assertThatThrownBy(() -> read(body)).isInstanceOfSatisfying(ApiError.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).startsWith(messagePrefix);
        });
    }

    @Test
    void systemTextBlocksJoinIntoTheSystemMessage() {
        assertThat(read("{\"system\": [{\"type\": \"text\", \"text\": \"Be \"}, {\"type\": \"text\", \"text\": \"brief.\", "
                + "\"cache_control\": {\"type\": \"ephemeral\"}}], \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"))
                .containsExactly(ChatMessage.of("system", "Be brief."), ChatMessage.of("user", "hi"));
    }

    @Test
    void toolUseAndToolResultBecomeACallAndAToolMessage() {
        List<ChatMessage> messages = read("{\"messages\": ["
                + "{\"role\": \"user\", \"content\": \"Weather?\"},"
                + "{\"role\": \"assistant\", \"content\": [{\"type\": \"thinking\", \"thinking\": \"hm\", \"signature\": \"s\"},"
                + "  {\"type\": \"tool_use\", \"id\": \"toolu_1\", \"name\": \"get_weather\", \"input\": {\"city\": \"Paris\"}}]},"
                + "{\"role\": \"user\", \"content\": [{\"type\": \"tool_result\", \"tool_use_id\": \"toolu_1\","
                + "  \"content\": [{\"type\": \"text\", \"text\": \"18 C\"}]}, {\"type\": \"text\", \"text\": \"Thanks!\"}]}]}");

        assertThat(messages).containsExactly(ChatMessage.of("user", "Weather?"),
                new ChatMessage("assistant", null, List.of(new ToolCall("toolu_1", "get_weather", Map.of("city", "Paris")))),
                new ChatMessage("tool", "18 C", List.of()),
                ChatMessage.of("user", "Thanks!"));
    }

    @Test
    void aToolResultWithoutContentIsEmpty() {
        assertThat(read("{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"tool_result\", \"tool_use_id\": \"t\"}]}]}"))
                .containsExactly(new ChatMessage("tool", "", List.of()));
    }

    @Test
    void aLastAssistantTurnIsRefused() {
        refused("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"Hel\"}]}",
                "messages.1:");
    }

    @Test
    void nonTextBlocksAreRefusedByTheirPath() {
        refused("{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"a\"}, {\"type\": \"document\"}]}]}",
                "messages.0.content.1.type:");
        refused("{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"tool_result\", \"tool_use_id\": \"t\", "
                + "\"content\": [{\"type\": \"image\"}]}]}]}", "messages.0.content.0.content.0.type:");
    }

    @Test
    void aToolUseNeedsAnObjectInput() {
        refused("{\"messages\": [{\"role\": \"assistant\", \"content\": [{\"type\": \"tool_use\", \"id\": \"t\", \"name\": \"f\", "
                + "\"input\": \"x\"}]}, {\"role\": \"user\", \"content\": \"hi\"}]}", "messages.0.content.0.input:");
    }

    @Test
    void unknownRolesAndEmptyMessagesAreRefused() {
        refused("{\"messages\": [{\"role\": \"tool\", \"content\": \"x\"}]}", "messages.0.role:");
        refused("{\"messages\": []}", "messages:");
        refused("{}", "messages:");
    }
}
