package dev.cria.grammar.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static dev.cria.grammar.json.SchemaFixture.schema;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever a model writes under a schema's grammar validates: texts drawn at random from each
 * grammar, byte by byte through the token runtime as a constrained sampler would, are checked by the
 * networknt validator (formats asserted) and by a JSON parser.
 */
class JsonSchemaSampledTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SAMPLES = 60;

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
            // pydantic v2's model_json_schema(): $defs, a $ref with a default, Optional as anyOf with null, gt=0
            """
            {"$defs": {"Color": {"enum": ["red", "green"], "title": "Color", "type": "string"},
               "Item": {"properties": {"name": {"title": "Name", "type": "string"},
                  "price": {"exclusiveMinimum": 0, "title": "Price", "type": "number"}}, "required": ["name", "price"], "title": "Item", "type": "object"}},
             "properties": {"id": {"title": "Id", "type": "integer"}, "items": {"items": {"$ref": "#/$defs/Item"}, "title": "Items", "type": "array"},
               "color": {"$ref": "#/$defs/Color", "default": "red"},
               "note": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": null, "title": "Note"}},
             "required": ["id", "items"], "title": "Order", "type": "object"}""",
            // OpenAI's structured outputs guide (strict mode): every property required, additionalProperties false
            """
            {"type": "object", "properties": {"steps": {"type": "array", "items": {"type": "object",
               "properties": {"explanation": {"type": "string"}, "output": {"type": "string"}},
               "required": ["explanation", "output"], "additionalProperties": false}}, "final_answer": {"type": "string"}},
             "required": ["steps", "final_answer"], "additionalProperties": false}""",
            // zod-to-json-schema: draft 7
            """
            {"type": "object", "properties": {"name": {"type": "string", "minLength": 1}, "age": {"type": "number"},
              "tags": {"type": "array", "items": {"type": "string"}}}, "required": ["name", "age", "tags"],
             "additionalProperties": false, "$schema": "http://json-schema.org/draft-07/schema#"}""",
            // twenty properties of every kind
            """
            {"type": "object", "properties": {"p0": {"type": "string", "maxLength": 40}, "p1": {"type": "integer", "minimum": 0, "maximum": 150},
              "p2": {"type": "boolean"}, "p3": {"type": "string", "format": "date"}, "p4": {"enum": ["red", "green", "blue"]},
              "p5": {"type": "array", "items": {"type": "string"}, "maxItems": 5},
              "p6": {"type": "object", "properties": {"x": {"type": "number"}, "y": {"type": "number"}}, "required": ["x", "y"]},
              "p7": {"type": ["string", "null"], "pattern": "^[A-Z]{3}$"}, "p8": {"type": "string", "format": "email"}, "p9": {"type": "number"},
              "p10": {"type": "string", "minLength": 2, "maxLength": 4}, "p11": {"type": "integer", "minimum": -99999, "maximum": -10},
              "p12": {"const": "fixed"}, "p13": {"type": "string", "format": "uuid"}, "p14": {"type": "number", "minimum": -1, "maximum": 1},
              "p15": {"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}], "items": false},
              "p16": {"type": "string", "format": "time"}, "p17": {"enum": [1, "one", null, true]}, "p18": {"type": "null"},
              "p19": {"type": "object", "additionalProperties": {"type": "integer"}}},
             "required": ["p0", "p1", "p2", "p3", "p5", "p7", "p9", "p11", "p13", "p15", "p17", "p19"]}""",
            "{\"type\": \"array\", \"items\": {\"type\": \"number\", \"exclusiveMinimum\": -0.05, \"maximum\": 0.95}, \"minItems\": 3}",
            "{\"type\": \"object\"}",
            "{}"})
    void everySampledTextValidates(String schemaJson) throws Exception {
        SchemaFixture fixture = schema(schemaJson);
        GrammarSampler sampler = new GrammarSampler(fixture.grammar, schemaJson.hashCode());
        int drawn = 0;
        for (int attempt = 0; drawn < SAMPLES && attempt < SAMPLES * 20; attempt++) {
            String text = sampler.sample(1_500, 0.5);
            if (text == null) continue; // a walk that ran long: draw again
            drawn++;
            JSON.readTree(text); // RFC 8259 JSON; not StrictJson: an open object may repeat a key (see JsonRules)
            assertThat(fixture.errors(text)).as("%s%nagainst %s", text, schemaJson).isEmpty();
        }
        assertThat(drawn).isEqualTo(SAMPLES);
    }
}
