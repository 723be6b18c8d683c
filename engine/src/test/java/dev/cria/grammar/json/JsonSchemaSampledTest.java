package dev.cria.grammar.json;

import dev.cria.util.StrictJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.cria.grammar.json.SchemaFixture.schema;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a model writes under a schema's grammar validates: texts drawn at random from each
 * grammar, byte by byte through the token runtime as a constrained sampler would, are checked by the
 * networknt validator (formats asserted) and by a strict JSON parser.
 */
class JsonSchemaSampledTest {
    private static final int SAMPLES = 100;

    @ParameterizedTest
    @ValueSource(strings = {
            """
            {"type": "object", "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 12},
              "age": {"type": "integer", "minimum": 0, "maximum": 150}, "email": {"type": "string", "format": "email"},
              "tags": {"type": "array", "items": {"enum": ["a", "b", "c"]}, "maxItems": 3}}, "required": ["name", "age"]}""",
            """
            {"$defs": {"node": {"type": "object", "properties": {"value": {"type": "integer", "exclusiveMinimum": -5, "maximum": 5},
               "children": {"type": "array", "items": {"$ref": "#/$defs/node"}, "maxItems": 2}}, "required": ["value"]}},
             "$ref": "#/$defs/node"}""",
            """
            {"type": "object", "properties": {"when": {"type": "string", "format": "date-time"}, "day": {"type": "string", "format": "date"},
              "at": {"type": "string", "format": "time"}, "id": {"type": "string", "format": "uuid"}},
             "required": ["when", "day", "at", "id"]}""",
            """
            {"type": "object", "properties": {"a": {"type": "string", "maxLength": 3}, "ab": {"type": "boolean"}},
             "additionalProperties": {"type": "integer"}}""",
            """
            {"type": "array", "prefixItems": [{"type": "string", "pattern": "^[A-Z][a-z]{1,4}(-[0-9]{2})?$"},
              {"type": "string", "pattern": "^x+y$"}, {"type": "number", "minimum": -3, "exclusiveMaximum": 2}],
             "items": {"type": ["null", "boolean"]}, "minItems": 2, "maxItems": 5}""",
            """
            {"oneOf": [{"type": "object", "properties": {"kind": {"const": "circle"}, "r": {"type": "number", "minimum": 0}}, "required": ["kind", "r"]},
                       {"type": "object", "properties": {"kind": {"const": "square"}, "side": {"type": "integer", "minimum": 1}}, "required": ["kind", "side"]},
                       {"type": "string", "maxLength": 4}]}""",
            "{\"type\": \"string\", \"pattern\": \"[^a-z\\\\s]\\\\.\\\\w\"}",
            "{\"type\": \"object\"}",
            "{}"})
    void everySampledTextValidates(String schemaJson) {
        SchemaFixture fixture = schema(schemaJson);
        GrammarSampler sampler = new GrammarSampler(fixture.grammar, schemaJson.hashCode());
        int drawn = 0;
        for (int attempt = 0; drawn < SAMPLES && attempt < SAMPLES * 20; attempt++) {
            String text = sampler.sample(1_500, 0.5);
            if (text == null) continue; // a walk that ran long: draw again
            drawn++;
            StrictJson.parse(text);
            assertThat(fixture.errors(text)).as("%s%nagainst %s", text, schemaJson).isEmpty();
        }
        assertThat(drawn).isEqualTo(SAMPLES);
    }
}
