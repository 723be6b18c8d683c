package dev.cria.server.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.RequestFields;
import dev.cria.server.structured.OutputConstraint;
import dev.cria.server.structured.ResponseFormats;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request's {@code text.format} (API reference, "Create a model response", text.format): {@code text}
 * (the default), {@code json_object} (any JSON object) or {@code json_schema}, which in this API is
 * flat: {@code {"type": "json_schema", "name", "schema", "description", "strict"}} ({@code name}
 * required, {@code a-z A-Z 0-9 _ -} and at most 64 characters; {@code schema} required). The JSON
 * formats are enforced by the grammar, whether or not {@code strict} is set, as chat completions'
 * {@code response_format}; a schema keyword the engine cannot enforce is a 400 naming
 * {@code text.format.schema}.
 *
 * @param echo       the format as the response object repeats it
 * @param constraint what the answer must follow, or null for text
 */
record ResponseTextFormat(Map<String, Object> echo, OutputConstraint constraint) {
    static final ResponseTextFormat TEXT = new ResponseTextFormat(Map.of("type", "text"), null);

    static ResponseTextFormat read(RequestFields f) {
        JsonNode text = f.get("text");
        if (text == null || text.isNull()) return TEXT;
        if (!(text instanceof ObjectNode textObject)) throw f.wrongType("text", "an object", text);
        RequestFields tf = new RequestFields(textObject, "text.");
        JsonNode format = tf.get("format");
        if (format == null || format.isNull()) return TEXT;
        if (!(format instanceof ObjectNode formatObject)) throw tf.wrongType("format", "an object", format);
        RequestFields ff = new RequestFields(formatObject, "text.format.");
        String type = ff.string("type");
        if (type == null) throw ApiError.badRequest("Missing required parameter: 'text.format.type'.", "text.format.type");
        return switch (type) {
            case "text" -> TEXT;
            case "json_object" -> new ResponseTextFormat(Map.of("type", "json_object"), ResponseFormats.anyObject("text.format"));
            case "json_schema" -> jsonSchema(ff);
            default -> throw ApiError.badRequest("Invalid value: '" + type + "'. Supported values are: 'text', "
                    + "'json_object', and 'json_schema'.", "text.format.type", "invalid_value");
        };
    }

    private static ResponseTextFormat jsonSchema(RequestFields f) {
        String name = f.requiredString("name");
        ResponseFormats.checkName(name, f.param("name"));
        String description = f.string("description");
        Boolean strict = f.bool("strict");
        JsonNode schema = f.get("schema");
        if (schema == null) throw ApiError.badRequest("Missing required parameter: 'text.format.schema'.", f.param("schema"));
        if (!schema.isObject() && !schema.isBoolean()) throw f.wrongType("schema", "an object", schema);
        Map<String, Object> echo = new LinkedHashMap<>();
        echo.put("type", "json_schema");
        echo.put("name", name);
        echo.put("schema", ApiJson.toPlain(schema));
        if (description != null) echo.put("description", description);
        echo.put("strict", strict);
        return new ResponseTextFormat(echo, ResponseFormats.schema(schema, f.param("schema")));
    }
}
