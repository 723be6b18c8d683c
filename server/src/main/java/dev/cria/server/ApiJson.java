package dev.cria.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cria.util.Json;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one Jackson mapper of the API. Response records use camelCase components that serialize as
 * the OpenAI snake_case field names; nulls are written (OpenAI sends {@code "logprobs": null}),
 * except where a record says otherwise.
 */
public final class ApiJson {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false);

    private ApiJson() {
    }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    public static String string(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize " + value.getClass().getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** A request body (well-formed UTF-8) as a JSON object; anything else is a 400 as OpenAI words it. */
    public static ObjectNode parseObject(byte[] body) {
        StrictUtf8.requireWellFormed(body);
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (IOException e) {
            throw ApiError.badRequest("We could not parse the JSON body of your request. (HINT: This likely means you "
                    + "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent "
                    + "was not valid JSON.)", null);
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiError.badRequest("The request body must be a JSON object.", null);
        }
        return object;
    }

    /** A JSON value as the engine's plain Java values ({@link Json}: Map, List, Long/Double, String, Boolean, null). */
    public static Object toPlain(JsonNode node) {
        try {
            return Json.parse(MAPPER.writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
