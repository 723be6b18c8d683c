package dev.cria.server.anthropic;

import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AnthropicErrorsTest {
    private static String body(ApiError e) {
        return ApiJson.string(AnthropicErrors.FORMAT.body(e, "req_1"));
    }

    @Test
    void theEnvelopeIsTypeErrorWithTheErrorsTypeAndMessage() {
        assertThat(body(ApiError.badRequest("max_tokens: Field required", "max_tokens"))).isEqualTo(
                "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"max_tokens: Field required\"},"
                        + "\"request_id\":\"req_1\"}");
    }

    @Test
    void aFullQueueIsOverloaded529() {
        ApiError full = ApiError.queueFull("busy", 1);

        assertThat(AnthropicErrors.FORMAT.status(full)).isEqualTo(529);
        assertThat(body(full)).contains("\"type\":\"overloaded_error\"");
    }

    @Test
    void statusesMapToAnthropicsErrorTypes() {
        assertThat(AnthropicErrors.type(401)).isEqualTo("authentication_error");
        assertThat(AnthropicErrors.type(404)).isEqualTo("not_found_error");
        assertThat(AnthropicErrors.type(413)).isEqualTo("request_too_large");
        assertThat(AnthropicErrors.type(415)).isEqualTo("invalid_request_error");
        assertThat(AnthropicErrors.type(500)).isEqualTo("api_error");
        assertThat(AnthropicErrors.type(503)).isEqualTo("overloaded_error");
    }
}
