package dev.cria.grammar.json;

import dev.cria.grammar.Grammar;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which calls an obliged tool choice allows: Llama's JSON form, the named function only, valid arguments. */
class ToolCallGrammarTest {
    private static final Map<String, Object> WEATHER = Map.of("type", "function", "function", Map.of("name", "get_weather",
            "parameters", Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string")),
                    "required", List.of("city"), "additionalProperties", false)));
    private static final Map<String, Object> TIME = Map.of("type", "function", "function", Map.of("name", "get_time"));
    private static final Map<String, Object> STRICT = Map.of("type", "function", "function", Map.of("name", "get_weather",
            "strict", true, "parameters", Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string")),
                    "required", List.of("city"), "additionalProperties", false)));

    private static boolean allows(String gbnf, String text) {
        return Grammar.parse(gbnf).matches(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void callsOnlyAllowsACallOfAnyOfferedFunctionWithValidArguments() {
        String g = ToolCallGrammar.callsOnly(List.of(WEATHER, TIME), null, true);

        assertThat(allows(g, "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}")).isTrue();
        assertThat(allows(g, "{\"name\": \"get_time\", \"parameters\": {}}")).isTrue();
        assertThat(allows(g, "{\"name\": \"get_weather\", \"parameters\": {\"town\": \"Paris\"}}")).isFalse();
        assertThat(allows(g, "{\"name\": \"get_stock\", \"parameters\": {}}")).isFalse();
        assertThat(allows(g, "It is sunny.")).isFalse();
    }

    @Test
    void parallelCallsAreSeparatedBySemicolonsAndRefusedWhenParallelIsOff() {
        String two = "{\"name\": \"get_time\", \"parameters\": {}}; {\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}";

        assertThat(allows(ToolCallGrammar.callsOnly(List.of(WEATHER, TIME), null, true), two)).isTrue();
        assertThat(allows(ToolCallGrammar.callsOnly(List.of(WEATHER, TIME), null, false), two)).isFalse();
    }

    @Test
    void aNamedFunctionIsTheOnlyOneAllowed() {
        String g = ToolCallGrammar.callsOnly(List.of(WEATHER, TIME), "get_time", true);

        assertThat(allows(g, "{\"name\": \"get_time\", \"parameters\": {}}")).isTrue();
        assertThat(allows(g, "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}")).isFalse();
    }

    @Test
    void withoutStrictFunctionsTextOrCallsConstrainNothing() {
        assertThat(ToolCallGrammar.callsOrProse(List.of(WEATHER), true)).isNull();
    }

    @Test
    void aStrictFunctionAllowsTextOrAValidCallButNoInvalidCall() {
        String g = ToolCallGrammar.callsOrProse(List.of(STRICT), true);

        assertThat(allows(g, "It is sunny in Paris.")).isTrue();
        assertThat(allows(g, "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}")).isTrue();
        assertThat(allows(g, "{\"name\": \"get_weather\", \"parameters\": {}}")).isFalse();
        assertThat(allows(g, "{\"city\": \"Paris\"}")).isFalse();
    }

    @Test
    void callsOrAnAnswerOfTheFormatAllowBothButNothingElse() {
        String answer = JsonSchemaGrammar.gbnf(Map.of("type", "object", "properties", Map.of("sunny", Map.of("type", "boolean")),
                "required", List.of("sunny")));
        String g = ToolCallGrammar.callsOrAnswer(List.of(WEATHER), answer, true);

        assertThat(allows(g, "{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}}")).isTrue();
        assertThat(allows(g, "{\"sunny\": true}")).isTrue();
        assertThat(allows(g, "It is sunny.")).isFalse();
        assertThat(allows(g, "{\"rain\": true}")).isFalse();
    }

    @Test
    void aNamedFunctionThatIsNotOfferedIsRefusedByName() {
        assertThatThrownBy(() -> ToolCallGrammar.callsOnly(List.of(WEATHER), "nope", true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    }

    @Test
    void anUnenforceableParameterSchemaNamesTheToolAndTheKeyword() {
        Map<String, Object> bad = Map.of("type", "function", "function", Map.of("name", "f",
                "parameters", Map.of("type", "object", "patternProperties", Map.of())));

        assertThatThrownBy(() -> ToolCallGrammar.callsOnly(List.of(WEATHER, bad), null, true))
                .isInstanceOfSatisfying(ToolParametersException.class, e -> assertThat(e.toolIndex()).isEqualTo(1))
                .hasMessageContaining("patternProperties");
    }
}
