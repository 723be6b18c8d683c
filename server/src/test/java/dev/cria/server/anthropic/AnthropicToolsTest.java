package dev.cria.server.anthropic;

import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.RequestFields;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnthropicToolsTest {
    private static final String WEATHER = "{\"name\": \"get_weather\", \"description\": \"The weather.\", "
            + "\"input_schema\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}}}";

    private static List<Object> read(String body) {
        return tools(body).rendered();
    }

    private static AnthropicTools tools(String body) {
        return AnthropicTools.read(RequestFields.of(ApiJson.parseObject(body.getBytes(StandardCharsets.UTF_8))));
    }

    private static void refused(String body, String param) {
        assertThatThrownBy(() -> read(body)).isInstanceOfSatisfying(ApiError.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.getMessage()).startsWith(param + ":");
        });
    }

    @Test
    void aClientToolBecomesTheFunctionToolTheTemplatePrints() {
        assertThat(ApiJson.string(read("{\"tools\": [" + WEATHER + "]}"))).isEqualTo("[{\"type\":\"function\",\"function\":"
                + "{\"name\":\"get_weather\",\"description\":\"The weather.\",\"parameters\":{\"type\":\"object\","
                + "\"properties\":{\"city\":{\"type\":\"string\"}}}}}]");
    }

    @Test
    void toolChoiceAutoKeepsTheToolsAndNoneDropsThem() {
        assertThat(read("{\"tools\": [" + WEATHER + "], \"tool_choice\": {\"type\": \"auto\"}}")).hasSize(1);
        assertThat(read("{\"tools\": [" + WEATHER + "], \"tool_choice\": {\"type\": \"none\"}}")).isEmpty();
    }

    @Test
    void toolChoiceAnyObligesACallOfAnyToolAndToolOfTheNamedOne() {
        assertThat(tools("{\"tools\": [" + WEATHER + "], \"tool_choice\": {\"type\": \"any\"}}").obligedCalls().toolCalls()).isTrue();
        assertThat(tools("{\"tools\": [" + WEATHER + "], \"tool_choice\": {\"type\": \"tool\", \"name\": \"get_weather\"}}")
                .obligedCalls().gbnf()).contains("get_weather");
        assertThat(tools("{\"tools\": [" + WEATHER + "], \"tool_choice\": {\"type\": \"auto\"}}").obligedCalls()).isNull();
    }

    @Test
    void disableParallelToolUseMakesAnObligedAnswerOneCall() {
        String gbnf = tools("{\"tools\": [" + WEATHER + "], \"tool_choice\": {\"type\": \"any\", "
                + "\"disable_parallel_tool_use\": true}}").obligedCalls().gbnf();

        assertThat(gbnf).doesNotContain("\"; \"");
    }

    @Test
    void anObligingChoiceNeedsToolsAndANamedToolMustBeOffered() {
        refused("{\"tool_choice\": {\"type\": \"any\"}}", "tool_choice");
        refused("{\"tools\": [" + WEATHER + "], \"tool_choice\": {\"type\": \"tool\", \"name\": \"get_stock\"}}", "tool_choice.name");
        refused("{\"tools\": [" + WEATHER + "], \"tool_choice\": {\"type\": \"tool\"}}", "tool_choice.name");
    }

    @Test
    void serverToolsAndToolsWithoutSchemaAreRefused() {
        refused("{\"tools\": [{\"type\": \"web_search_20250305\", \"name\": \"web_search\"}]}", "tools.0.type");
        refused("{\"tools\": [{\"name\": \"f\"}]}", "tools.0.input_schema");
        refused("{\"tool_choice\": {\"type\": \"sometimes\"}}", "tool_choice.type");
    }
}
