package dev.cria.grammar.json;

import org.junit.jupiter.api.Test;

import static dev.cria.grammar.json.SchemaFixture.invalid;
import static dev.cria.grammar.json.SchemaFixture.refused;
import static dev.cria.grammar.json.SchemaFixture.schema;

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
        invalid("{\"properties\": {\"a\": false}, \"required\": [\"a\"]}", "a", "/properties/a/a");
    }
}
