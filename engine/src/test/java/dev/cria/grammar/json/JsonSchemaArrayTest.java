package dev.cria.grammar.json;

import org.junit.jupiter.api.Test;

import static dev.cria.grammar.json.SchemaFixture.invalid;
import static dev.cria.grammar.json.SchemaFixture.schema;

/** Arrays: items, prefixItems, minItems, maxItems (JSON Schema 2020-12 §10.3.1, validation §6.4). */
class JsonSchemaArrayTest {
    @Test
    void itemsConstrainsEveryItem() {
        schema("{\"type\": \"array\", \"items\": {\"type\": \"integer\"}}")
                .accepts("[]", "[1]", "[1,2,3]", "[ 1 , 2 ]")
                .rejectsInvalid("[1,\"2\"]", "[1.5]", "{}");
    }

    @Test
    void anArrayWithoutItemsTakesAnyValues() {
        schema("{\"type\": \"array\"}").accepts("[]", "[1,\"a\",null,{\"b\":[true]}]");
    }

    @Test
    void minItemsAndMaxItemsBoundTheLength() {
        schema("{\"type\": \"array\", \"items\": {\"type\": \"boolean\"}, \"minItems\": 2, \"maxItems\": 3}")
                .accepts("[true,false]", "[true,false,true]")
                .rejectsInvalid("[]", "[true]", "[true,true,true,true]");
    }

    @Test
    void minItemsAlone() {
        schema("{\"type\": \"array\", \"items\": {\"type\": \"null\"}, \"minItems\": 1}")
                .accepts("[null]", "[null,null,null]")
                .rejectsInvalid("[]");
    }

    @Test
    void maxItemsZeroIsTheEmptyArray() {
        schema("{\"type\": \"array\", \"maxItems\": 0}").accepts("[]", "[ ]").rejectsInvalid("[1]");
    }

    @Test
    void prefixItemsConstrainTheFirstItemsInTurn() {
        schema("""
                {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}], "items": false}""")
                .accepts("[]", "[\"a\"]", "[\"a\",1]")
                .rejectsInvalid("[1]", "[\"a\",\"b\"]", "[\"a\",1,2]");
    }

    @Test
    void itemsAfterPrefixItemsConstrainTheRest() {
        schema("""
                {"type": "array", "prefixItems": [{"type": "string"}], "items": {"type": "integer"}, "minItems": 2}""")
                .accepts("[\"a\",1]", "[\"a\",1,2,3]")
                .rejectsInvalid("[\"a\"]", "[\"a\",\"b\"]");
    }

    @Test
    void draft7ArrayItemsIsAPrefix() {
        schema("""
                {"$schema": "http://json-schema.org/draft-07/schema#",
                 "type": "array", "items": [{"type": "string"}, {"type": "boolean"}], "additionalItems": false}""")
                .accepts("[\"a\",true]", "[\"a\"]")
                .rejectsInvalid("[\"a\",true,1]", "[true]");
    }

    @Test
    void minItemsBeyondWhatItemsFalseAllowsIsInvalid() {
        invalid("{\"type\": \"array\", \"prefixItems\": [{}], \"items\": false, \"minItems\": 2}", "minItems", "/minItems");
    }

    @Test
    void minItemsAboveMaxItemsIsInvalid() {
        invalid("{\"type\": \"array\", \"minItems\": 3, \"maxItems\": 2}", "minItems", "/minItems");
    }

    @Test
    void arraysOfObjects() {
        schema("""
                {"type": "array", "items": {"type": "object", "properties": {"id": {"type": "integer"}}, "required": ["id"]}}""")
                .accepts("[{\"id\":1},{\"id\":2}]", "[\n  {\"id\": 1}\n]")
                .rejectsInvalid("[{}]");
    }
}
