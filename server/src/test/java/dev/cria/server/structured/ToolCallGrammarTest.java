package dev.cria.server.structured;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.grammar.Grammar;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which calls an obliged tool_choice allows: Llama's JSON form, the named function only, valid arguments. */
class ToolCallGrammarTest {
    private static final Map<String, Object> WEATHER = Map.of("type", "function", "function", Map.of("name", "get_weather",
            "parameters", Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string")),
                    "required", List.of("city"), "additionalProperties", false)));
    private static final Map<String, Object> TIME = Map.of("type", "function", "function", Map.of("name", "get_time"));
    private static final Map<String, Object> STRICT = Map.of("type", "function", "function", Map.of("name", "get_weather",
            "strict", true, "parameters", Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string")),
                    "required", List.of("city"), "additionalProperties", false)));

    private static JsonNode json(String s) {
        try {
            return ApiJson.MAPPER.readTree(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static boolean allows(OutputConstraint c, String text) {
        return Grammar.parse(c.gbnf()).matches(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void requiredAllowsACallOfAnyOfferedFunctionWithValidArguments() {
        OutputConstraint c = ToolCallGrammar.of(List.of(WEATHER, TIME), json("\"required\""), true, "tools");

        assertThat(c.toolCalls()).isTrue();
        assertThat(allows(c, "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}")).isTrue();
        assertThat(allows(c, "{\"name\": \"get_time\", \"parameters\": {}}")).isTrue();
        assertThat(allows(c, "{\"name\": \"get_weather\", \"parameters\": {\"town\": \"Paris\"}}")).isFalse();
        assertThat(allows(c, "{\"name\": \"get_stock\", \"parameters\": {}}")).isFalse();
        assertThat(allows(c, "It is sunny.")).isFalse();
    }

    @Test
    void parallelCallsAreSeparatedBySemicolonsAndRefusedWhenParallelIsOff() {
        String two = "{\"name\": \"get_time\", \"parameters\": {}}; {\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}";

        assertThat(allows(ToolCallGrammar.of(List.of(WEATHER, TIME), json("\"required\""), true, "tools"), two)).isTrue();
        assertThat(allows(ToolCallGrammar.of(List.of(WEATHER, TIME), json("\"required\""), false, "tools"), two)).isFalse();
    }

    @Test
    void aNamedFunctionIsTheOnlyOneAllowed() {
        OutputConstraint c = ToolCallGrammar.of(List.of(WEATHER, TIME),
                json("{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}"), true, "tools");

        assertThat(allows(c, "{\"name\": \"get_time\", \"parameters\": {}}")).isTrue();
        assertThat(allows(c, "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}")).isFalse();
    }

    @Test
    void autoAndNoneConstrainNothingWithoutStrictFunctions() {
        assertThat(ToolCallGrammar.of(List.of(WEATHER), json("\"auto\""), true, "tools")).isNull();
        assertThat(ToolCallGrammar.of(List.of(WEATHER), null, true, "tools")).isNull();
        assertThat(ToolCallGrammar.of(List.of(WEATHER), json("\"none\""), true, "tools")).isNull();
    }

    @Test
    void autoWithAStrictFunctionAllowsTextOrAValidCallButNoInvalidCall() {
        OutputConstraint c = ToolCallGrammar.of(List.of(STRICT), json("\"auto\""), true, "tools");

        assertThat(c.toolCalls()).isFalse();
        assertThat(allows(c, "It is sunny in Paris.")).isTrue();
        assertThat(allows(c, "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}")).isTrue();
        assertThat(allows(c, "{\"name\": \"get_weather\", \"parameters\": {}}")).isFalse();
        assertThat(allows(c, "{\"city\": \"Paris\"}")).isFalse();
    }

    @Test
    void aNamedFunctionThatIsNotOfferedIsA400() {
        assertThatThrownBy(() -> ToolCallGrammar.of(List.of(WEATHER),
                json("{\"type\":\"function\",\"function\":{\"name\":\"nope\"}}"), true, "tools"))
                .isInstanceOf(ApiError.class).hasMessageContaining("nope");
    }

    @Test
    void anUnenforceableParameterSchemaIsA400NamingTheTool() {
        Map<String, Object> bad = Map.of("type", "function", "function", Map.of("name", "f",
                "parameters", Map.of("type", "object", "patternProperties", Map.of())));

        assertThatThrownBy(() -> ToolCallGrammar.of(List.of(WEATHER, bad), json("\"required\""), true, "tools"))
                .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.getMessage()).contains("patternProperties"))
                .hasMessageContaining("tools[1].function.parameters");
    }
}
