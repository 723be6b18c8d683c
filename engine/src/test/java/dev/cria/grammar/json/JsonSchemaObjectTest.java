package dev.cria.grammar.json;

import org.junit.jupiter.api.Test;

import static dev.cria.grammar.json.SchemaFixture.invalid;
import static dev.cria.grammar.json.SchemaFixture.schema;

/** Objects: properties, required, additionalProperties (JSON Schema 2020-12 §10.3.2, validation §6.5.3). */
class JsonSchemaObjectTest {
    private static final String PERSON = """
            {"type": "object",
             "properties": {"name": {"type": "string"}, "age": {"type": "integer"}, "email": {"type": "string"}},
             "required": ["name"]}""";

    @Test
    void requiredPropertiesMustAppear() {
        schema(PERSON).accepts("{\"name\":\"Ada\"}").rejectsInvalid("{}", "{\"age\":36}");
    }

    @Test
    void optionalPropertiesMayBeAnySubsetInDeclaredOrder() {
        schema(PERSON).accepts(
                "{\"name\":\"Ada\",\"age\":36}",
                "{\"name\":\"Ada\",\"email\":\"a@b.c\"}",
                "{\"name\":\"Ada\",\"age\":36,\"email\":\"a@b.c\"}");
    }

    @Test
    void propertiesComeInDeclaredOrderOnly() {
        // Valid JSON for the schema, but the grammar writes properties in the order declared.
        schema(PERSON).rejects("{\"age\":36,\"name\":\"Ada\"}");
    }

    @Test
    void eachPropertyAtMostOnce() {
        schema(PERSON).rejects("{\"name\":\"Ada\",\"name\":\"Bob\"}", "{\"name\":\"Ada\",\"age\":1,\"age\":2}");
    }

    @Test
    void commasOnlyBetweenPresentProperties() {
        schema(PERSON).rejects("{\"name\":\"Ada\",}", "{,\"name\":\"Ada\"}", "{\"name\":\"Ada\",,\"age\":1}");
        schema("""
                {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "integer"}}}""")
                .accepts("{}", "{\"a\":1}", "{\"b\":2}", "{\"a\":1,\"b\":2}")
                .rejects("{,}", "{,\"b\":2}", "{\"a\":1,}");
    }

    @Test
    void propertyValuesFollowTheirSchemas() {
        schema(PERSON).rejectsInvalid("{\"name\":1}", "{\"name\":\"Ada\",\"age\":\"old\"}");
    }

    @Test
    void withoutAdditionalPropertiesNoOtherKeyIsWritten() {
        // JSON Schema allows other keys here; like llama.cpp and xgrammar's strict mode, the grammar does not.
        schema(PERSON).rejects("{\"name\":\"Ada\",\"nick\":\"A\"}");
    }

    @Test
    void additionalPropertiesFalseAllowsNoOtherKey() {
        schema("""
                {"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": false}""")
                .accepts("{\"a\":1}", "{}")
                .rejectsInvalid("{\"a\":1,\"b\":2}", "{\"b\":2}");
    }

    @Test
    void additionalPropertiesSchemaConstrainsOtherKeysAfterTheDeclaredOnes() {
        schema("""
                {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": {"type": "integer"}}""")
                .accepts("{\"a\":\"x\",\"b\":2}", "{\"b\":2,\"c\":3}", "{\"a\":\"x\"}", "{}", "{\"ab\":1}", "{\"\":1}")
                .rejectsInvalid("{\"a\":\"x\",\"b\":\"two\"}");
    }

    @Test
    void anOtherKeyIsNeverADeclaredName() {
        // Else "a" could come back as an "other" key with a value its own schema forbids.
        schema("""
                {"type": "object", "properties": {"a": {"type": "string"}, "ab": {"type": "string"}},
                 "additionalProperties": {"type": "integer"}}""")
                .accepts("{\"abc\":1}", "{\"b\":1}", "{\"a\":\"x\",\"ab\":\"y\",\"x\":1}")
                .rejectsInvalid("{\"a\":1}", "{\"ab\":1}");
    }

    @Test
    void additionalPropertiesTrueAllowsAnyOtherValue() {
        schema("""
                {"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": true}""")
                .accepts("{\"a\":1,\"b\":[1,{\"c\":null}]}", "{\"z\":\"q\"}");
    }

    @Test
    void anObjectWithoutPropertiesIsAnyObject() {
        schema("{\"type\": \"object\"}")
                .accepts("{}", "{\"a\":1}", "{\"a\":{\"b\":[true,false,null]},\"c\":\"d\"}")
                .rejectsInvalid("[]", "1", "\"{}\"");
    }

    @Test
    void requiredKeysOutsidePropertiesTakeTheAdditionalSchema() {
        schema("""
                {"type": "object", "required": ["id"], "additionalProperties": {"type": "integer"}}""")
                .accepts("{\"id\":7}", "{\"id\":7,\"x\":1}")
                .rejectsInvalid("{}", "{\"id\":\"7\"}");
    }

    @Test
    void aRequiredKeyOutsidePropertiesTakesAnyValueWithoutAdditionalProperties() {
        // additionalProperties absent: JSON Schema allows the key with any value; the grammar writes it.
        schema("""
                {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["b"]}""")
                .accepts("{\"b\":[1]}", "{\"a\":1,\"b\":\"x\"}")
                .rejectsInvalid("{\"a\":1}");
    }

    @Test
    void aRequiredKeyThatAdditionalPropertiesFalseForbidsIsInvalid() {
        invalid("""
                {"type": "object", "properties": {"a": {}}, "required": ["b"], "additionalProperties": false}""", "required", "/required");
    }

    @Test
    void aPropertyWithSchemaFalseIsNeverWritten() {
        schema("""
                {"type": "object", "properties": {"a": {"type": "integer"}, "secret": false}}""")
                .accepts("{\"a\":1}")
                .rejectsInvalid("{\"a\":1,\"secret\":1}");
    }

    @Test
    void keysAreWrittenAsJsonEscapesThem() {
        schema("""
                {"type": "object", "properties": {"say \\"hi\\"": {"type": "integer"}, "naïve": {"type": "integer"}},
                 "required": ["say \\"hi\\"", "naïve"]}""")
                .accepts("{\"say \\\"hi\\\"\":1,\"naïve\":2}");
    }

    @Test
    void whitespaceIsAllowedBetweenTokensPrettyPrintedIncluded() {
        schema(PERSON).accepts("{ \"name\" : \"Ada\" , \"age\" : 36 }", """
                {
                  "name": "Ada",
                  "age": 36
                }""");
    }

    @Test
    void nestedObjects() {
        schema("""
                {"type": "object", "properties": {"address": {"type": "object",
                   "properties": {"city": {"type": "string"}, "zip": {"type": "string"}}, "required": ["city", "zip"]}},
                 "required": ["address"]}""")
                .accepts("{\"address\":{\"city\":\"Lima\",\"zip\":\"15001\"}}")
                .rejectsInvalid("{\"address\":{\"city\":\"Lima\"}}");
    }
}
