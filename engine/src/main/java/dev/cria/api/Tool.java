package dev.cria.api;

import java.util.Map;
import java.util.Objects;

/**
 * A function the model may call. The model sees the name, the description and the parameter schema
 * in its prompt (Llama 3.x's JSON tool format); whether it must call one is {@link ChatOptions#toolChoice}.
 *
 * @param name        the function's name
 * @param description what it does, for the model (may be null)
 * @param parameters  its arguments as a JSON Schema of an object, in plain values
 *                    ({@code Map}/{@code List}/String/Number/Boolean); null for none
 * @param strict      when true, a call the model starts under {@link ToolChoice#auto()} must follow
 *                    the schema (enforced by the grammar); obliged calls always follow it
 */
public record Tool(String name, String description, Map<String, Object> parameters, boolean strict) {
    /** Checks the components and copies the lists (null means empty). */
    public Tool {
        Objects.requireNonNull(name, "name");
    }

    /** A tool whose calls are checked only when obliged. */
    public static Tool of(String name, String description, Map<String, Object> parameters) {
        return new Tool(name, description, parameters, false);
    }
}
