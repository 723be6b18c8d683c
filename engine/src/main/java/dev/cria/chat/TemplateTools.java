package dev.cria.chat;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tool as the chat template renders it: OpenAI's {@code {"type": "function", "function": {...}}}.
 * The template prints these maps as JSON in the prompt, so their key order is part of the prompt;
 * insertion-ordered maps keep it the same in every JVM ({@code Map.of} iterates in an order chosen
 * per JVM, which changed greedy answers from one start to the next).
 */
public final class TemplateTools {
    private TemplateTools() {
    }

    /** {@code {"type": "function", "function": function}}, in that order (transformers' tool dicts). */
    public static Map<String, Object> function(Map<String, Object> function) {
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("type", "function");
        tool.put("function", function);
        return tool;
    }

    /** The parameters of a tool that declares none: {@code {"type": "object", "properties": {}}}. */
    public static Map<String, Object> noParameters() {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", Map.of());
        return schema;
    }
}
