package dev.cria.server.structured;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.RequestFields;

import java.util.regex.Pattern;

/**
 * OpenAI's {@code response_format} (chat completions API reference, "response_format"): {@code text},
 * {@code json_object} (any JSON object) or {@code json_schema} with {@code json_schema.name} (required,
 * {@code a-z A-Z 0-9 _ -}, at most 64 characters), {@code schema}, {@code strict} and
 * {@code description}; and llama.cpp's {@code grammar} field (GBNF text) for clients that bring their
 * own grammar. {@code strict} does not narrow what is accepted: any schema the engine can enforce is
 * enforced (as vLLM and llama.cpp do); a schema keyword it cannot enforce is a 400.
 */
public final class ResponseFormats {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

    private ResponseFormats() {
    }

    /** The constraint the request asks for, or null (none, or {@code type: "text"}). */
    public static OutputConstraint read(RequestFields f) {
        String grammar = f.string("grammar");
        JsonNode format = f.get("response_format");
        if (grammar != null && format != null && !isText(format)) {
            throw ApiError.badRequest("Invalid request: 'grammar' and 'response_format' cannot be used together.", f.param("grammar"));
        }
        if (grammar != null) return new OutputConstraint(grammar, f.param("grammar"), false);
        if (format == null) return null;
        String param = f.param("response_format");
        if (!(format instanceof ObjectNode obj)) throw f.wrongType("response_format", "an object", format);
        RequestFields rf = new RequestFields(obj, param + ".");
        String type = rf.string("type");
        if (type == null) throw ApiError.badRequest("Missing required parameter: '" + param + ".type'.", param + ".type");
        return switch (type) {
            case "text" -> null;
            case "json_object" -> anyObject(param);
            case "json_schema" -> jsonSchema(rf, param);
            default -> throw ApiError.badRequest("Invalid value: '" + type + "'. Supported values are: 'json_object', "
                    + "'json_schema', and 'text'.", param + ".type", "invalid_value");
        };
    }

    /** Any JSON object: JSON mode (json_object here and in the Responses API, Ollama's {@code "json"}). */
    public static OutputConstraint anyObject(String param) {
        return new OutputConstraint(SchemaRules.anyObject(), param, false);
    }

    /**
     * A JSON Schema sent as it is (an object, or a boolean schema), {@code param} naming it: the Responses
     * API's {@code text.format.schema} and Ollama's {@code format}. A keyword the engine cannot enforce
     * is a 400 naming {@code param} and the keyword's place in the schema.
     */
    public static OutputConstraint schema(JsonNode schema, String param) {
        return new OutputConstraint(SchemaRules.gbnf(ApiJson.toPlain(schema), param), param, false);
    }

    /** A json_schema format's {@code name}: {@code a-z A-Z 0-9 _ -}, at most 64 characters (OpenAI's rule for both APIs). */
    public static void checkName(String name, String param) {
        if (!NAME.matcher(name).matches()) {
            throw ApiError.badRequest("Invalid '" + param + "': string does not match pattern. Expected a string "
                    + "that matches the pattern '^[a-zA-Z0-9_-]+$' of at most 64 characters.", param, "invalid_value");
        }
    }

    private static OutputConstraint jsonSchema(RequestFields rf, String param) {
        JsonNode js = rf.get("json_schema");
        if (js == null) {
            throw ApiError.badRequest("Missing required parameter: '" + param + ".json_schema'.", param + ".json_schema");
        }
        if (!(js instanceof ObjectNode obj)) throw rf.wrongType("json_schema", "an object", js);
        RequestFields f = new RequestFields(obj, param + ".json_schema.");
        checkName(f.requiredString("name"), f.param("name"));
        f.string("description");
        f.bool("strict");
        JsonNode schema = f.get("schema");
        // OpenAI lets a json_schema format leave out its schema; then any JSON value is fine (as llama.cpp does).
        if (schema == null) return new OutputConstraint(SchemaRules.anyValue(), f.param("schema"), false);
        if (!schema.isObject() && !schema.isBoolean()) throw f.wrongType("schema", "an object", schema);
        return schema(schema, f.param("schema"));
    }

    private static boolean isText(JsonNode format) {
        JsonNode t = format.get("type");
        return t != null && t.isTextual() && t.textValue().equals("text");
    }
}
