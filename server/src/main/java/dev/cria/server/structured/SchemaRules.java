package dev.cria.server.structured;

import dev.cria.grammar.GrammarException;
import dev.cria.grammar.json.JsonSchemaGrammar;
import dev.cria.server.api.ApiError;

/**
 * JSON Schemas as GBNF rules, through the engine's {@link JsonSchemaGrammar}; a schema it cannot
 * enforce is a 400 naming the field and the keyword's place in the schema. With a prefix, every rule
 * name is prefixed so that several schemas (a tool set's parameters) live in one grammar, the
 * schema's start rule then being {@code prefix + "root"}.
 */
final class SchemaRules {
    private SchemaRules() {
    }

    static String gbnf(Object schema, String param) {
        return gbnf(schema, param, "");
    }

    static String gbnf(Object schema, String param, String prefix) {
        String rules;
        try {
            rules = JsonSchemaGrammar.gbnf(schema);
        } catch (GrammarException e) {
            throw ApiError.badRequest("Invalid '" + param + "': " + e.getMessage(), param, "invalid_value");
        }
        return prefix.isEmpty() ? rules : GbnfRuleNames.prefixed(rules, prefix);
    }

    /** Any JSON object ({@code response_format: {"type": "json_object"}}). */
    static String anyObject() {
        return JsonSchemaGrammar.anyObjectGbnf();
    }

    static String anyObject(String prefix) {
        return GbnfRuleNames.prefixed(anyObject(), prefix);
    }

    /** Any JSON value (a json_schema format without a schema). */
    static String anyValue() {
        return JsonSchemaGrammar.anyValueGbnf();
    }
}
