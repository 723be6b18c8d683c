package dev.cria.langchain4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON Schema made strict as OpenAI's strict mode reads it: every object's properties are all
 * required and no others allowed. LangChain4j writes POJO schemas with nothing required, which lets a
 * model answer {@code {}}; a constrained decoder then fills no field. Strict, every field is written.
 */
final class StrictSchemas {
    private StrictSchemas() {
    }

    static Map<String, Object> strict(Map<String, Object> schema) {
        return strictMap(schema);
    }

    private static Map<String, Object> strictMap(Map<?, ?> schema) {
        Map<String, Object> out = new LinkedHashMap<>();
        schema.forEach((k, v) -> out.put(String.valueOf(k), strictValue(v)));
        if (out.get("properties") instanceof Map<?, ?> properties) {
            out.put("required", properties.keySet().stream().map(String::valueOf).toList());
            out.putIfAbsent("additionalProperties", false);
        }
        return out;
    }

    private static Object strictValue(Object v) {
        if (v instanceof Map<?, ?> m) return strictMap(m);
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(strictValue(x)));
            return out;
        }
        return v;
    }
}
