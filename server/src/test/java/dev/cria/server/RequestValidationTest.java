package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/server.md: "a value of the wrong type or out of range is a 400 whose error.param names the
 * field" — for every documented field, also those that lose to another, and for the body's bytes.
 */
class RequestValidationTest {
    @RegisterExtension
    static final ClassServer server = ClassServer.scripted();

    private static HttpResponse<String> chat(String fields) throws Exception {
        return Http.post(server.uri("/v1/chat/completions"), "{\"model\":\"scripted-llama\",\"max_tokens\":2" + fields + "}");
    }

    private static final String HELLO = ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
    private static final String TOOLS = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}]";

    private static JsonNode error400(HttpResponse<String> r) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        return Http.json(r).get("error");
    }

    @Test
    void aToolChoiceOutsideOpenAisFormsIs400NamingIt() throws Exception {
        for (String choice : new String[]{"5", "[]", "{}", "\"sometimes\"", "{\"type\":\"function\"}",
                "{\"type\":\"function\",\"function\":{\"name\":7}}"}) {
            JsonNode e = error400(chat(HELLO + TOOLS + ",\"tool_choice\":" + choice));
            assertThat(e.get("param").asText()).as(choice).startsWith("tool_choice");
        }
    }

    @Test
    void openAisToolChoiceFormsAreAccepted() throws Exception {
        for (String choice : new String[]{"\"none\"", "\"auto\"", "\"required\"",
                "{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}"}) {
            assertThat(chat(HELLO + TOOLS + ",\"tool_choice\":" + choice).statusCode()).as(choice).isEqualTo(200);
        }
    }

    @Test
    void aMaxTokensThatLosesToMaxCompletionTokensIsStillValidated() throws Exception {
        HttpResponse<String> r = Http.post(server.uri("/v1/chat/completions"), "{\"model\":\"scripted-llama\""
                + HELLO + ",\"max_completion_tokens\":2,\"max_tokens\":\"abc\"}");

        assertThat(error400(r).get("param").asText()).isEqualTo("max_tokens");
    }

    @Test
    void aToolMessageWithoutToolCallIdIs400() throws Exception {
        JsonNode e = error400(chat(",\"messages\":[{\"role\":\"user\",\"content\":\"weather?\"},"
                + "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{}\"}}]},"
                + "{\"role\":\"tool\",\"content\":\"sunny\"}]"));

        assertThat(e.get("param").asText()).isEqualTo("messages[2].tool_call_id");
    }

    @Test
    void anIntegerBeyond64BitsIsOutOfRangeWithTheLimit() throws Exception {
        JsonNode e = error400(Http.post(server.uri("/v1/chat/completions"),
                "{\"model\":\"scripted-llama\"" + HELLO + ",\"max_tokens\":10000000000000000000}"));

        assertThat(e.get("param").asText()).isEqualTo("max_tokens");
        assertThat(e.get("message").asText()).contains("above maximum value").contains("<= 2147483647");
    }

    @Test
    void wrongTypesInMessagesAndToolsAre400NamingTheField() throws Exception {
        assertThat(error400(chat(",\"messages\":[{\"role\":\"user\",\"content\":\"hi\",\"name\":5}]")).get("param").asText())
                .isEqualTo("messages[0].name");
        assertThat(error400(chat(",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"id\":5,"
                + "\"function\":{\"name\":\"f\"}}]}]")).get("param").asText()).isEqualTo("messages[0].tool_calls[0].id");
        assertThat(error400(chat(",\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"function\":{\"name\":\"f\","
                + "\"arguments\":5}}]}]")).get("param").asText()).isEqualTo("messages[0].tool_calls[0].function.arguments");
        assertThat(error400(chat(HELLO + ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":[]}}]"))
                .get("param").asText()).isEqualTo("tools[0].function.parameters");
        assertThat(error400(chat(HELLO + ",\"tools\":[{\"type\":\"retrieval\",\"function\":{\"name\":\"f\"}}]"))
                .get("param").asText()).isEqualTo("tools[0].type");
    }

    @Test
    void illFormedUtf8InTheBodyIs400() throws Exception {
        byte[][] illFormed = {
                {(byte) 0xC0, (byte) 0xAF},                         // overlong '/' (RFC 3629 §3: never valid)
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80},            // U+D800, a surrogate
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // U+110000, above U+10FFFF
        };
        for (byte[] bad : illFormed) {
            HttpResponse<String> r = postBytes(chatWithContentBytes(bad));
            assertThat(r.statusCode()).as(java.util.HexFormat.of().formatHex(bad)).isEqualTo(400);
            assertThat(Http.json(r).at("/error/message").asText()).contains("UTF-8");
        }
    }

    @Test
    void wellFormedFourByteUtf8IsAccepted() throws Exception {
        byte[] llama = "🦙".getBytes(StandardCharsets.UTF_8); // F0 9F A6 99: U+1F999

        assertThat(postBytes(chatWithContentBytes(llama)).statusCode()).isEqualTo(200);
    }

    private static byte[] chatWithContentBytes(byte[] content) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes("{\"model\":\"scripted-llama\",\"max_tokens\":2,\"messages\":[{\"role\":\"user\",\"content\":\"a"
                .getBytes(StandardCharsets.US_ASCII));
        b.writeBytes(content);
        b.writeBytes("b\"}]}".getBytes(StandardCharsets.US_ASCII));
        return b.toByteArray();
    }

    private static HttpResponse<String> postBytes(byte[] body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(server.uri("/v1/chat/completions"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json").build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    }
}
