package dev.cria.grammar.json;

import org.junit.jupiter.api.Test;

import static dev.cria.grammar.json.SchemaFixture.invalid;
import static dev.cria.grammar.json.SchemaFixture.refused;
import static dev.cria.grammar.json.SchemaFixture.schema;
import static org.assertj.core.api.Assertions.assertThat;

/** type unions, enum, const, anyOf, oneOf, allOf, $ref / $defs / definitions (2020-12 §10.2, §8.2.3). */
class JsonSchemaCombinatorTest {
    @Test
    void aTypeListIsAnyOfItsTypes() {
        schema("{\"type\": [\"string\", \"null\"], \"maxLength\": 2}")
                .accepts("\"ab\"", "null")
                .rejectsInvalid("\"abc\"", "1", "false");
    }

    @Test
    void keywordsOfOtherTypesDoNotConstrain() {
        schema("{\"type\": \"string\", \"minimum\": 5}").accepts("\"x\"");
    }

    @Test
    void noTypeMeansAnyValue() {
        schema("{}").accepts("1", "\"s\"", "null", "[{}]", "{\"a\":[1,2]}", "true");
        schema("true").accepts("1", "{}");
    }

    @Test
    void withoutTypeTheKeywordsNameTheType() {
        // {"properties": ...} allows any non-object too; the grammar writes an object, which validates.
        schema("{\"properties\": {\"a\": {\"type\": \"integer\"}}, \"required\": [\"a\"]}")
                .accepts("{\"a\":1}").rejects("1", "\"x\"");
    }

    @Test
    void enumIsOneOfTheListedValues() {
        schema("{\"enum\": [\"red\", \"green\", 3, null, [1, \"x\"], {\"k\": true}]}")
                .accepts("\"red\"", "\"green\"", "3", "null", "[1,\"x\"]", "{\"k\":true}")
                .rejectsInvalid("\"blue\"", "4", "\"Red\"");
    }

    @Test
    void anEnumOfThousandsOfValues() {
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < 5000; i++) values.append(i == 0 ? "" : ", ").append("\"item-").append(i).append('"');
        schema("{\"enum\": [" + values + "]}").accepts("\"item-0\"", "\"item-4999\"").rejectsInvalid("\"item-5000\"");
    }

    @Test
    void enumValuesOfAnotherTypeThanTypeAreLeftOut() {
        schema("{\"type\": \"string\", \"enum\": [\"a\", 1]}").accepts("\"a\"").rejectsInvalid("1");
    }

    @Test
    void constIsThatValue() {
        schema("{\"const\": \"fixed \\\"q\\\" é\"}").accepts("\"fixed \\\"q\\\" é\"").rejectsInvalid("\"fixed\"");
        schema("{\"const\": 42}").accepts("42").rejectsInvalid("43");
    }

    @Test
    void anyOfIsAnyBranch() {
        schema("""
                {"anyOf": [{"type": "integer", "minimum": 10}, {"type": "string", "maxLength": 1}]}""")
                .accepts("10", "999", "\"a\"")
                .rejectsInvalid("9", "\"ab\"", "null");
    }

    @Test
    void oneOfWithBranchesOfDifferentTypes() {
        schema("{\"oneOf\": [{\"type\": \"string\"}, {\"type\": \"integer\"}, {\"type\": \"null\"}]}")
                .accepts("\"a\"", "1", "null").rejectsInvalid("true");
    }

    @Test
    void oneOfWithADiscriminatorProperty() {
        schema("""
                {"oneOf": [
                   {"type": "object", "properties": {"kind": {"const": "cat"}, "lives": {"type": "integer"}}, "required": ["kind"]},
                   {"type": "object", "properties": {"kind": {"const": "dog"}, "good": {"type": "boolean"}}, "required": ["kind"]}]}""")
                .accepts("{\"kind\":\"cat\",\"lives\":9}", "{\"kind\":\"dog\",\"good\":true}")
                .rejectsInvalid("{\"kind\":\"cow\"}", "{\"kind\":\"cat\",\"good\":true}".replace("good\":true", "lives\":\"x\""));
    }

    @Test
    void oneOfWhoseBranchesMayOverlapIsRefused() {
        refused("{\"oneOf\": [{\"type\": \"string\"}, {\"type\": \"string\", \"maxLength\": 3}]}", "oneOf", "/oneOf");
        refused("{\"properties\": {\"v\": {\"oneOf\": [{\"type\": \"number\"}, {\"type\": \"integer\"}]}}}", "oneOf", "/properties/v/oneOf");
        refused("{\"oneOf\": [{\"minLength\": 1}, {\"type\": \"integer\"}]}", "oneOf", "/oneOf"); // no type: any value
    }

    @Test
    void allOfOfObjectSchemasMerges() {
        schema("""
                {"$defs": {"named": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}},
                 "allOf": [{"$ref": "#/$defs/named"},
                           {"type": "object", "properties": {"age": {"type": "integer"}}, "required": ["age"]}]}""")
                .accepts("{\"name\":\"Ada\",\"age\":36}")
                .rejectsInvalid("{\"name\":\"Ada\"}", "{\"age\":36}");
    }

    @Test
    void allOfOfOneSchemaIsThatSchema() {
        // What pydantic writes for a field whose type is a model or an enum with a default.
        schema("""
                {"type": "object", "properties": {"color": {"allOf": [{"$ref": "#/$defs/Color"}], "default": "red"}},
                 "required": ["color"], "$defs": {"Color": {"enum": ["red", "green"], "type": "string"}}}""")
                .accepts("{\"color\":\"green\"}")
                .rejectsInvalid("{\"color\":\"blue\"}");
    }

    @Test
    void allOfOfOtherSchemasIsRefused() {
        refused("{\"allOf\": [{\"type\": \"string\"}, {\"maxLength\": 3}]}", "type", "/allOf/0/type");
        refused("{\"allOf\": [{\"properties\": {\"a\": {}}}, {\"type\": \"object\", \"additionalProperties\": false}]}",
                "additionalProperties", "/allOf/1/additionalProperties");
    }

    @Test
    void refToDefs() {
        schema("""
                {"type": "object", "properties": {"home": {"$ref": "#/$defs/point"}, "work": {"$ref": "#/$defs/point"}},
                 "required": ["home"],
                 "$defs": {"point": {"type": "object", "properties": {"x": {"type": "number"}, "y": {"type": "number"}}, "required": ["x", "y"]}}}""")
                .accepts("{\"home\":{\"x\":1,\"y\":2}}", "{\"home\":{\"x\":1,\"y\":2},\"work\":{\"x\":0.5,\"y\":-3}}")
                .rejectsInvalid("{\"home\":{\"x\":1}}");
    }

    @Test
    void refToDefinitionsDraft7() {
        schema("""
                {"$schema": "http://json-schema.org/draft-07/schema#",
                 "definitions": {"id": {"type": "integer", "minimum": 1}}, "type": "array", "items": {"$ref": "#/definitions/id"}}""")
                .accepts("[1,2]").rejectsInvalid("[0]");
    }

    @Test
    void recursiveRefDescribesATree() {
        SchemaFixture tree = schema("""
                {"$defs": {"node": {"type": "object",
                   "properties": {"value": {"type": "integer"}, "children": {"type": "array", "items": {"$ref": "#/$defs/node"}}},
                   "required": ["value"]}},
                 "$ref": "#/$defs/node"}""")
                .accepts("{\"value\":1}", "{\"value\":1,\"children\":[]}",
                        "{\"value\":1,\"children\":[{\"value\":2,\"children\":[{\"value\":3}]},{\"value\":4}]}")
                .rejectsInvalid("{\"value\":1,\"children\":[{\"children\":[]}]}", "{\"value\":1,\"children\":[{\"value\":\"x\"}]}");
        assertThat(tree.gbnf).containsPattern("(?m)^node\\s+::=");
    }

    @Test
    void refToTheRootSchema() {
        schema("""
                {"type": "object", "properties": {"name": {"type": "string"}, "next": {"$ref": "#"}}, "required": ["name"]}""")
                .accepts("{\"name\":\"a\",\"next\":{\"name\":\"b\",\"next\":{\"name\":\"c\"}}}")
                .rejectsInvalid("{\"name\":\"a\",\"next\":{}}");
    }

    @Test
    void aReferenceLoopThatWritesNothingIsInvalid() {
        invalid("{\"$defs\": {\"a\": {\"$ref\": \"#/$defs/b\"}, \"b\": {\"$ref\": \"#/$defs/a\"}}, \"$ref\": \"#/$defs/a\"}", "$ref", "/$defs/b/$ref");
        invalid("{\"anyOf\": [{\"$ref\": \"#\"}, {\"type\": \"null\"}]}", "$ref", "/anyOf/0/$ref");
    }

    @Test
    void aDanglingRefIsInvalid() {
        invalid("{\"$ref\": \"#/$defs/missing\"}", "$ref", "/$ref");
    }

    @Test
    void remoteRefsAreRefused() {
        refused("{\"$ref\": \"https://example.com/schema.json\"}", "$ref", "/$ref");
    }

    @Test
    void constrainingKeywordsBesideRefAreRefused() {
        refused("{\"$defs\": {\"s\": {\"type\": \"string\"}}, \"$ref\": \"#/$defs/s\", \"maxLength\": 3}", "maxLength", "/maxLength");
        schema("{\"$defs\": {\"s\": {\"type\": \"string\"}}, \"$ref\": \"#/$defs/s\", \"description\": \"fine\"}").accepts("\"x\"");
    }
}
