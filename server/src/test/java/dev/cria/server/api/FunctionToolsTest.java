package dev.cria.server.api;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FunctionToolsTest {
    private static RequestFields body(String json) {
        return RequestFields.of(ApiJson.parseObject(json.getBytes()));
    }

    @Test
    void textThatStartsLikeJsonMayBeAToolCall() {
        assertThat(FunctionTools.mayBeCall("  {\"name\": ")).isTrue();
        assertThat(FunctionTools.mayBeCall("<|python_tag|>")).isTrue();
        assertThat(FunctionTools.mayBeCall("\n")).as("undecided while only whitespace").isTrue();
    }

    @Test
    void proseIsNotAToolCall() {
        assertThat(FunctionTools.mayBeCall(" The weather")).isFalse();
    }

    @Test
    void toolsAreKeptAsPlainValuesForTheTemplate() {
        List<Object> tools = FunctionTools.read(body("""
                {"tools": [{"type": "function", "function": {"name": "weather", "parameters": {"type": "object"}}}]}"""));

        assertThat(tools).containsExactly(Map.of("type", "function",
                "function", Map.of("name", "weather", "parameters", Map.of("type", "object"))));
    }

    @Test
    void aToolWithoutAFunctionNameIsRefusedNamingIt() {
        assertThatThrownBy(() -> FunctionTools.read(body("{\"tools\": [{\"type\": \"function\", \"function\": {}}]}")))
                .isInstanceOfSatisfying(ApiError.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.param()).isEqualTo("tools[0].function.name");
                });
    }
}
