package dev.cria.server.structured;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** tool_choice as sent → the engine's tool-call grammar, and what it refuses as a 400 naming the field. */
class ToolChoicesTest {
    private static final Map<String, Object> WEATHER = Map.of("type", "function", "function", Map.of("name", "get_weather",
            "parameters", Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string")))));
    private static final Map<String, Object> STRICT = Map.of("type", "function", "function", Map.of("name", "get_weather",
            "strict", true, "parameters", Map.of("type", "object")));

    private static JsonNode json(String s) {
        try {
            return ApiJson.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void requiredAndNamedObligeCalls() {
        assertThat(ToolChoices.of(List.of(WEATHER), json("\"required\""), true, "tools").toolCalls()).isTrue();
        assertThat(ToolChoices.of(List.of(WEATHER), json("{\"type\":\"function\",\"function\":{\"name\":\"get_weather\"}}"),
                true, "tools").toolCalls()).isTrue();
    }

    @Test
    void autoAndNoneConstrainNothingWithoutStrictFunctions() {
        assertThat(ToolChoices.of(List.of(WEATHER), json("\"auto\""), true, "tools")).isNull();
        assertThat(ToolChoices.of(List.of(WEATHER), null, true, "tools")).isNull();
        assertThat(ToolChoices.of(List.of(WEATHER), json("\"none\""), true, "tools")).isNull();
    }

    @Test
    void autoWithAStrictFunctionConstrainsButDoesNotObligeACall() {
        OutputConstraint c = ToolChoices.of(List.of(STRICT), json("\"auto\""), true, "tools");

        assertThat(c).isNotNull();
        assertThat(c.toolCalls()).isFalse();
    }

    @Test
    void aNamedFunctionThatIsNotOfferedIsA400() {
        assertThatThrownBy(() -> ToolChoices.of(List.of(WEATHER),
                json("{\"type\":\"function\",\"function\":{\"name\":\"nope\"}}"), true, "tools"))
                .isInstanceOf(ApiError.class).hasMessageContaining("nope").hasMessageContaining("tool_choice");
    }

    @Test
    void anUnenforceableParameterSchemaIsA400NamingTheTool() {
        Map<String, Object> bad = Map.of("type", "function", "function", Map.of("name", "f",
                "parameters", Map.of("type", "object", "patternProperties", Map.of())));

        assertThatThrownBy(() -> ToolChoices.of(List.of(WEATHER, bad), json("\"required\""), true, "tools"))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.getMessage()).contains("patternProperties"))
                .hasMessageContaining("tools[1].function.parameters");
    }
}
