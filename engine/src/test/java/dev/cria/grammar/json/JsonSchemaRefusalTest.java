package dev.cria.grammar.json;

import dev.cria.util.StrictJson;
import org.junit.jupiter.api.Test;

import static dev.cria.grammar.json.SchemaFixture.invalid;
import static dev.cria.grammar.json.SchemaFixture.refused;
import static dev.cria.grammar.json.SchemaFixture.schema;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A keyword the grammar cannot enforce is refused, naming it and its JSON Pointer; never ignored. */
class JsonSchemaRefusalTest {
    @Test
    void uniqueItemsIsRefusedWithItsPath() {
        refused("""
                {"type": "object", "properties": {"tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true}}}""",
                "uniqueItems", "/properties/tags/uniqueItems");
    }

    @Test
    void everyUnenforceableValidationKeywordIsRefused() {
        refused("{\"not\": {\"type\": \"null\"}}", "not", "/not");
        refused("{\"if\": {}, \"then\": {}}", "if", "/if");
        refused("{\"type\": \"object\", \"patternProperties\": {\"^x\": {}}}", "patternProperties", "/patternProperties");
        refused("{\"type\": \"object\", \"propertyNames\": {\"maxLength\": 3}}", "propertyNames", "/propertyNames");
        refused("{\"type\": \"object\", \"minProperties\": 1}", "minProperties", "/minProperties");
        refused("{\"type\": \"object\", \"maxProperties\": 1}", "maxProperties", "/maxProperties");
        refused("{\"type\": \"object\", \"dependentRequired\": {\"a\": [\"b\"]}}", "dependentRequired", "/dependentRequired");
        refused("{\"type\": \"object\", \"unevaluatedProperties\": false}", "unevaluatedProperties", "/unevaluatedProperties");
        refused("{\"type\": \"array\", \"contains\": {\"type\": \"integer\"}}", "contains", "/contains");
        refused("{\"type\": \"integer\", \"multipleOf\": 5}", "multipleOf", "/multipleOf");
    }

    @Test
    void pathsEscapeSlashAndTildeAsJsonPointer() {
        refused("{\"properties\": {\"a/b~c\": {\"type\": \"integer\", \"multipleOf\": 2}}}", "multipleOf", "/properties/a~1b~0c/multipleOf");
    }

    @Test
    void refusalsInsideArraysAndDefsNameTheirPlace() {
        refused("{\"type\": \"array\", \"prefixItems\": [{}, {\"not\": {}}]}", "not", "/prefixItems/1/not");
        refused("{\"$defs\": {\"d\": {\"type\": \"string\", \"format\": \"hostname\"}}, \"$ref\": \"#/$defs/d\"}", "format", "/$defs/d/format");
        refused("{\"anyOf\": [{\"type\": \"string\"}, {\"type\": \"array\", \"uniqueItems\": true}]}", "uniqueItems", "/anyOf/1/uniqueItems");
    }

    @Test
    void keywordsThatConstrainNothingAreFine() {
        schema("""
                {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "https://example.com/p", "$comment": "c",
                 "title": "T", "description": "D", "examples": [{}], "default": {}, "deprecated": false,
                 "type": "array", "uniqueItems": false, "x-vendor-extension": 1}""")
                .accepts("[]", "[1,1]");
    }

    @Test
    void schemasNestedBeyondALimitAreRefusedNotOverflowed() {
        // A chain of 300 definitions, each an array of the next: compiled inside one another.
        StringBuilder defs = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            if (i > 0) defs.append(',');
            defs.append("\"d").append(i).append("\": {\"type\": \"array\", \"items\": {\"$ref\": \"#/$defs/d").append(i + 1).append("\"}}");
        }
        defs.append(", \"d300\": {\"type\": \"null\"}");
        assertThatThrownBy(() -> JsonSchemaGrammar.gbnf(StrictJson.parse("{\"$defs\": {" + defs + "}, \"$ref\": \"#/$defs/d0\"}")))
                .isInstanceOf(UnsupportedSchemaException.class).hasMessageContaining("nested more than");
        String deep = "{\"type\": \"array\", \"items\": ".repeat(200) + "{}" + "}".repeat(200);
        assertThatThrownBy(() -> JsonSchemaGrammar.gbnf(StrictJson.parse(deep)))
                .isInstanceOf(UnsupportedSchemaException.class).hasMessageContaining("nested more than");
        refused("{\"type\": \"string\", \"pattern\": \"" + "(".repeat(150) + "a" + ")".repeat(150) + "\"}", "pattern", "/pattern");
    }

    @Test
    void malformedSchemasAreInvalid() {
        invalid("{\"type\": 5}", "type", "/type");
        invalid("{\"type\": \"text\"}", "type", "/type");
        invalid("{\"type\": \"object\", \"required\": \"a\"}", "required", "/required");
        invalid("{\"type\": \"string\", \"minLength\": -1}", "minLength", "/minLength");
        invalid("{\"enum\": []}", "enum", "/enum");
        invalid("false", "false", "");
    }

    @Test
    void aRequiredPropertyWhoseSchemaIsFalseIsInvalid() {
        invalid("{\"properties\": {\"a\": false}, \"required\": [\"a\"]}", "required", "/required");
    }
}
