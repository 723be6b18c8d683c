package dev.cria.api;

import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cria.util.StrictJson;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** JSON answers and obliged tool calls: whatever the weights, they parse and follow their schema. */
class CriaStructuredOutputTest {
    private static final Map<String, Object> CITY = Map.of("type", "object",
            "properties", Map.of("name", Map.of("type", "string", "maxLength", 20),
                    "population", Map.of("type", "integer", "minimum", 0)),
            "required", List.of("name", "population"), "additionalProperties", false);
    private static final Tool WEATHER = Tool.of("get_weather", "The weather in a city", Map.of("type", "object",
            "properties", Map.of("city", Map.of("type", "string", "maxLength", 20)),
            "required", List.of("city"), "additionalProperties", false));
    private static final Tool TIME = Tool.of("get_time", "The time now", null);
    private static final List<Message> ASK = List.of(Message.user("What is the weather in Paris?"));
    private static Cria cria;

    @BeforeAll
    static void open() {
        cria = TinyModel.open();
    }

    @AfterAll
    static void close() {
        cria.close();
    }

    private static boolean validates(Map<String, Object> schema, String json) {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(StrictJson.toJson(schema), InputFormat.JSON).validate(json, InputFormat.JSON).isEmpty();
    }

    @Test
    void aJsonSchemaAnswerValidatesAndEndsWithStop() {
        for (long seed = 1; seed <= 3; seed++) {
            ChatResult r = cria.chat(List.of(Message.user("A city, as JSON.")),
                    ChatOptions.builder().temperature(1).seed(seed).maxTokens(64).jsonSchema(CITY).build());

            assertThat(validates(CITY, r.text())).as(r.text()).isTrue();
            assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        }
    }

    @Test
    void aJsonObjectAnswerIsAnObject() {
        ChatResult r = cria.chat(List.of(Message.user("JSON please.")), ChatOptions.builder().temperature(0)
                .maxTokens(48).responseFormat(ResponseFormat.jsonObject()).build());

        assertThat(StrictJson.parse(r.text())).isInstanceOf(Map.class);
    }

    @Test
    void aRequiredToolChoiceGivesACallWithValidArguments() {
        // One call: the grammar then ends the answer after it, whatever the weights. With parallel
        // calls a model may start another and meet max_tokens there (finish LENGTH), as a real one may.
        ChatResult r = cria.chat(ASK, ChatOptions.builder().temperature(0).maxTokens(64).parallelToolCalls(false)
                .tools(List.of(WEATHER)).toolChoice(ToolChoice.required()).build());

        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
        assertThat(r.toolCalls()).isNotEmpty().allSatisfy(c -> {
            assertThat(c.name()).isEqualTo("get_weather");
            assertThat(validates(WEATHER.parameters(), c.arguments())).as(c.arguments()).isTrue();
            assertThat(c.id()).startsWith("call_");
        });
        assertThat(r.text()).isEmpty();
    }

    @Test
    void aNamedToolChoiceCallsThatTool() {
        ChatResult r = cria.chat(ASK, ChatOptions.builder().temperature(0).maxTokens(64).parallelToolCalls(false)
                .tools(List.of(WEATHER, TIME)).toolChoice(ToolChoice.function("get_time")).build());

        assertThat(r.toolCalls()).singleElement().extracting(ToolCall::name).isEqualTo("get_time");
    }

    @Test
    void aToolResultCanBeSentBack() {
        ToolCall call = new ToolCall("call_1", "get_weather", "{\"city\": \"Paris\"}");

        ChatResult r = cria.chat(List.of(ASK.getFirst(), Message.assistant(List.of(call)), Message.toolResult("call_1", "Sunny")),
                ChatOptions.builder().temperature(0).maxTokens(4).tools(List.of(WEATHER)).toolChoice(ToolChoice.none()).build());

        assertThat(r.usage().promptTokens()).isGreaterThan(cria.countTokens(ASK, List.of(WEATHER)));
    }

    @Test
    void withToolsOnAutoAndASchemaTheAnswerIsACallOrJsonOfTheSchema() {
        for (long seed = 1; seed <= 3; seed++) {
            ChatResult r = cria.chat(ASK, ChatOptions.builder().temperature(1).seed(seed).maxTokens(64).parallelToolCalls(false)
                    .tools(List.of(WEATHER)).jsonSchema(CITY).build());

            if (r.hasToolCalls()) assertThat(r.toolCalls()).allMatch(c -> c.name().equals("get_weather"));
            else assertThat(validates(CITY, r.text())).as(r.text()).isTrue();
        }
    }

    @Test
    void aSchemaKeywordCriaCannotEnforceIsRefusedByName() {
        Map<String, Object> schema = Map.of("type", "object", "patternProperties", Map.of());

        assertThatThrownBy(() -> cria.chat(ASK, ChatOptions.builder().jsonSchema(schema).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("patternProperties");
    }

    @Test
    void anUnknownToolNameIsRefused() {
        assertThatThrownBy(() -> cria.chat(ASK, ChatOptions.builder().tools(List.of(WEATHER))
                .toolChoice(ToolChoice.function("nope")).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    }
}
