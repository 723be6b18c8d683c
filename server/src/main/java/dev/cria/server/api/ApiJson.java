package dev.cria.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cria.util.StrictJson;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one Jackson mapper of the API. Response records use camelCase components that serialize as
 * the OpenAI snake_case field names; nulls are written (OpenAI sends {@code "logprobs": null}),
 * except where a record says otherwise. It reads with the engine's {@link StrictJson} limits
 * (nesting depth, string and number length, no repeated keys), so a hostile body is a 400.
 */
public final class ApiJson {
    public static final ObjectMapper MAPPER = JsonMapper.builder(StrictJson.newFactory())
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true)
            .configure(SerializationFeature.FAIL_ON_EMPTY_BEANS, false)
            .build();

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

    /** A request body (well-formed UTF-8) as a JSON object; anything else (too deep, a repeated key included) is a 400 as OpenAI words it. */
    public static ObjectNode parseObject(byte[] body) {
        StrictUtf8.requireWellFormed(body);
        JsonNode node;
        try {
            node = MAPPER.readTree(body);
        } catch (IOException e) { // JsonProcessingException, StreamConstraintsException among them
            throw ApiError.badRequest("We could not parse the JSON body of your request. (HINT: This likely means you "
                    + "aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent "
                    + "was not valid JSON.)", null);
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiError.badRequest("The request body must be a JSON object.", null);
        }
        return object;
    }

    /**
     * A JSON value as the engine's plain Java values, as {@link StrictJson} yields them: Map (key order
     * kept), List, String, Long (BigInteger when it does not fit), Double, Boolean, null. Recursion is
     * bounded by the depth limit the tree was read under.
     */
    public static Object toPlain(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> e : node.properties()) m.put(e.getKey(), toPlain(e.getValue()));
                yield m;
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>(node.size());
                for (JsonNode item : node) list.add(toPlain(item));
                yield list;
            }
            case STRING -> node.textValue();
            case BOOLEAN -> node.booleanValue();
            case NUMBER -> node.isIntegralNumber() ? (node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue())
                    : (Object) node.doubleValue();
            case NULL, MISSING -> null;
            case BINARY, POJO -> throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
        };
    }
}
