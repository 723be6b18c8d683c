package dev.cria.langchain4j;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A POJO schema made strict: every object, nested ones included, requires all its properties and allows no others. */
@SuppressWarnings("unchecked")
class StrictSchemasTest {
    @Test
    void everyObjectRequiresAllItsPropertiesAndNoOthers() {
        Map<String, Object> pojo = Map.of("type", "object", "properties", Map.of(
                "name", Map.of("type", "string"),
                "address", Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string")))));

        Map<String, Object> strict = StrictSchemas.strict(pojo);

        assertThat((List<Object>) strict.get("required")).containsExactlyInAnyOrder("name", "address");
        assertThat(strict.get("additionalProperties")).isEqualTo(false);
        Map<?, ?> address = (Map<?, ?>) ((Map<?, ?>) strict.get("properties")).get("address");
        assertThat((List<Object>) address.get("required")).containsExactly("city");
    }
}
