package dev.cria.server.structured;

import dev.cria.grammar.GrammarException;
import dev.cria.grammar.json.JsonSchemaGrammar;
import dev.cria.server.api.ApiError;

/**
 * JSON Schemas as GBNF rules, through the engine's {@link JsonSchemaGrammar}; a schema it cannot
 * enforce is a 400 naming the field and the keyword's place in the schema. (A tool set's parameter
 * schemas are put side by side by the engine's {@code ToolCallGrammar}.)
 */
final class SchemaRules {
    private SchemaRules() {
    }

    static String gbnf(Object schema, String param) {
        try {
            return JsonSchemaGrammar.gbnf(schema);
        } catch (GrammarException e) {
            throw ApiError.badRequest("Invalid '" + param + "': " + e.getMessage(), param, "invalid_value");
        }
    }

    /** Any JSON object ({@code response_format: {"type": "json_object"}}). */
    static String anyObject() {
        return JsonSchemaGrammar.anyObjectGbnf();
    }

    /** Any JSON value (a json_schema format without a schema). */
    static String anyValue() {
        return JsonSchemaGrammar.anyValueGbnf();
    }
}
