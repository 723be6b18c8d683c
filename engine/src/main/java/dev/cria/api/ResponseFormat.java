package dev.cria.api;

import java.util.Map;
import java.util.Objects;

/**
 * What shape the answer's text takes. The JSON formats are enforced while the model writes: the
 * text parses as JSON (and validates against the schema) every time, also with random weights.
 */
public sealed interface ResponseFormat {
    /** Free text (the default). */
    static ResponseFormat text() {
        return Text.INSTANCE;
    }

    /** Any JSON object. */
    static ResponseFormat jsonObject() {
        return JsonObject.INSTANCE;
    }

    /**
     * JSON that validates against {@code schema}, given in plain values ({@code Map}/{@code List}/String/
     * Number/Boolean). A keyword Cria cannot enforce is refused with an {@link IllegalArgumentException}
     * naming it, never ignored; which keywords are covered: docs/server.md, "Structured outputs".
     */
    static ResponseFormat jsonSchema(Map<String, Object> schema) {
        return new JsonSchema(schema);
    }

    /** See {@link ResponseFormat#text()}. */
    enum Text implements ResponseFormat {
        /** The only value. */
        INSTANCE
    }

    /** See {@link ResponseFormat#jsonObject()}. */
    enum JsonObject implements ResponseFormat {
        /** The only value. */
        INSTANCE
    }

    /**
     * See {@link ResponseFormat#jsonSchema(Map)}.
     *
     * @param schema the JSON Schema as plain values
     */
    record JsonSchema(Map<String, Object> schema) implements ResponseFormat {
        /** Checks that there is a schema. */
        public JsonSchema {
            Objects.requireNonNull(schema, "schema");
        }
    }
}
