package dev.cria.chat;

import dev.cria.util.StrictJson;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The template prints tools as JSON, so their key order is prompt text and must not vary. */
class TemplateToolsTest {
    @Test
    void aFunctionToolIsTypeThenFunction() {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", "f");

        assertThat(StrictJson.toJson(TemplateTools.function(function))).isEqualTo("{\"type\":\"function\",\"function\":{\"name\":\"f\"}}");
    }

    @Test
    void noParametersIsAnObjectSchemaWithNoProperties() {
        assertThat(StrictJson.toJson(TemplateTools.noParameters())).isEqualTo("{\"type\":\"object\",\"properties\":{}}");
    }
}
