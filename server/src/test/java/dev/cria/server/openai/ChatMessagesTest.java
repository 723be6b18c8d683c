package dev.cria.server.openai;

import dev.cria.chat.ChatMessage;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.RequestFields;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ChatMessagesTest {
    /** The messages of a request whose one assistant turn calls f with this {@code arguments} JSON value. */
    private static List<ChatMessage> withArguments(String argumentsJson) {
        String body = "{\"messages\": [{\"role\": \"assistant\", \"tool_calls\": [{\"id\": \"call_1\", \"type\": \"function\", "
                + "\"function\": {\"name\": \"f\", \"arguments\": " + argumentsJson + "}}]}]}";
        return ChatMessages.read(RequestFields.of(ApiJson.parseObject(body.getBytes())));
    }

    private static String quoted(String s) {
        return ApiJson.string(s);
    }

    @Test
    void argumentsAsAJsonStringBecomePlainValuesWithExactIntegers() {
        Object args = withArguments(quoted("{\"city\": \"Paris\", \"n\": 3, \"big\": 18446744073709561522, \"x\": 0.5}"))
                .getFirst().toolCalls().getFirst().arguments();

        assertThat(args).isEqualTo(Map.of("city", "Paris", "n", 3L, "big", new BigInteger("18446744073709561522"), "x", 0.5));
    }

    @Test
    void argumentsAsAJsonObjectBecomePlainValues() {
        Object args = withArguments("{\"city\": \"Paris\", \"days\": [1, 2]}").getFirst().toolCalls().getFirst().arguments();

        assertThat(args).isEqualTo(Map.of("city", "Paris", "days", List.of(1L, 2L)));
    }

    @Test
    void argumentsThatAreNotJsonAreKeptAsTheString() {
        assertThat(withArguments(quoted("city=Paris")).getFirst().toolCalls().getFirst().arguments()).isEqualTo("city=Paris");
    }

    @Test
    void argumentsNestedPastTheLimitAre400NotAStackOverflow() {
        String deep = "[".repeat(40_000) + "]".repeat(40_000);

        assertThatThrownBy(() -> withArguments(quoted(deep))).isInstanceOfSatisfying(ApiError.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.param()).isEqualTo("messages[0].tool_calls[0].function.arguments");
        });
    }
}
