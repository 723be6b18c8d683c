package dev.cria.api;

import dev.cria.util.StrictJson;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tools the template renders: the same JSON text in every JVM ({@code Map.of} iterates in an
 * order chosen per JVM; the prompt, and so a greedy answer, must not depend on it).
 */
class ChatPromptsTest {
    @Test
    void aToolRendersAsTheOpenAiToolObjectInAFixedKeyOrder() {
        Object rendered = ChatPrompts.templateTools(List.of(Tool.of("get_time", "The time now", null)));

        assertThat(StrictJson.toJson(rendered)).isEqualTo("[{\"type\":\"function\",\"function\":{\"name\":\"get_time\","
                + "\"description\":\"The time now\",\"parameters\":{\"type\":\"object\",\"properties\":{}}}}]");
    }
}
