package dev.cria.grammar.json;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cria.grammar.Grammar;
import dev.cria.util.StrictJson;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Schemas come from requests: any of them, well-formed or not, compiles to a grammar the runtime
 * parses or is refused with a {@link SchemaException}, never another exception; and what the
 * grammar of a compiled one writes validates. Random schemas from the keywords' palette, wrong
 * types and dangling references included, seeded so a failure can be replayed.
 */
class JsonSchemaRandomSchemaTest {
    private static final SchemaRegistry VALIDATORS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everySchemaCompilesOrIsRefusedAndWhatItWritesValidates() throws Exception {
        SplittableRandom random = new SplittableRandom(Long.getLong("cria.test.seed", 19));
        int compiled = 0;
        int refused = 0;
        for (int i = 0; i < 1000; i++) {
            Map<String, Object> schema = new Generator(random).root();
            String text = StrictJson.toJson(schema);
            String gbnf;
            try {
                gbnf = JsonSchemaGrammar.gbnf(StrictJson.parse(text));
            } catch (SchemaException e) {
                refused++;
                continue;
            } catch (RuntimeException | StackOverflowError e) {
                throw new AssertionError("schema " + text, e);
            }
            Grammar grammar;
            try {
                grammar = Grammar.parse(gbnf);
            } catch (RuntimeException e) {
                throw new AssertionError("schema " + text + "\n" + gbnf, e);
            }
            compiled++;
            Schema validator;
            try {
                validator = VALIDATORS.getSchema(text, InputFormat.JSON);
            } catch (RuntimeException e) {
                continue; // a schema the validator does not take: only the compiler's side is checked
            }
            GrammarSampler sampler = new GrammarSampler(grammar, i);
            for (int k = 0; k < 5; k++) {
                String instance;
                try {
                    instance = sampler.sample(600, 0.5);
                } catch (AssertionError stuck) {
                    throw new AssertionError("schema " + text + "\n" + gbnf, stuck);
                }
                if (instance == null) continue;
                JSON.readTree(instance);
                var errors = validator.validate(instance, InputFormat.JSON, c -> c.executionConfig(x -> x.formatAssertionsEnabled(true)));
                if (!errors.isEmpty()) fail("%s%nagainst %s%n%s%n%s", instance, text, errors, gbnf);
            }
        }
        assertThat(compiled).as("compiled").isGreaterThan(200);
        assertThat(refused).as("refused").isGreaterThan(60);
    }

    /** Random schemas: mostly well-formed, sometimes not. */
    private static final class Generator {
        private static final String[] TYPES = {"object", "array", "string", "integer", "number", "boolean", "null"};
        private static final String[] PATTERNS = {"^a+$", "b", "^[a-c]{1,3}(x|yz)?$", "^\\d{2}-[A-Z]$", "(?=x)", "[", "^.$", "a|^b", "\\w+@\\w+"};
        private static final String[] FORMATS = {"date", "time", "date-time", "email", "uuid", "uri"};
        private final SplittableRandom random;
        private final List<String> defs = new ArrayList<>();

        Generator(SplittableRandom random) {
            this.random = random;
        }

        Map<String, Object> root() {
            Map<String, Object> schema = schema(0);
            if (random.nextInt(3) == 0) {
                Map<String, Object> defsMap = new LinkedHashMap<>();
                for (int i = 0; i < 2; i++) {
                    defs.add("d" + i);
                    defsMap.put("d" + i, schema(2));
                }
                schema.put("$defs", defsMap);
            }
            return schema;
        }

        private Map<String, Object> schema(int depth) {
            Map<String, Object> s = new LinkedHashMap<>();
            int kind = random.nextInt(depth > 3 ? 4 : 12);
            switch (kind) {
                case 0 -> s.put("type", TYPES[random.nextInt(TYPES.length)]);
                case 1 -> {
                    s.put("type", "string");
                    if (random.nextBoolean()) s.put("minLength", (long) random.nextInt(4));
                    if (random.nextBoolean()) s.put("maxLength", (long) random.nextInt(6));
                    if (random.nextInt(3) == 0) s.put("pattern", PATTERNS[random.nextInt(PATTERNS.length)]);
                    if (random.nextInt(4) == 0) s.put("format", FORMATS[random.nextInt(FORMATS.length)]);
                }
                case 2 -> {
                    s.put("type", random.nextBoolean() ? "integer" : "number");
                    if (random.nextBoolean()) s.put("minimum", (long) random.nextInt(-50, 50));
                    if (random.nextBoolean()) s.put("exclusiveMaximum", random.nextBoolean() ? (long) random.nextInt(-50, 200) : 2.5);
                }
                case 3 -> s.put(random.nextBoolean() ? "enum" : "const", random.nextBoolean() ? List.of("a", 1L, false) : "x");
                case 4, 5 -> {
                    s.put("type", "object");
                    Map<String, Object> properties = new LinkedHashMap<>();
                    int n = random.nextInt(4);
                    List<Object> required = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        properties.put("p" + i, schema(depth + 1));
                        if (random.nextBoolean()) required.add("p" + i);
                    }
                    s.put("properties", properties);
                    if (!required.isEmpty() || random.nextInt(5) == 0) s.put("required", random.nextInt(20) == 0 ? "p0" : required);
                    int extra = random.nextInt(4);
                    if (extra == 1) s.put("additionalProperties", false);
                    if (extra == 2) s.put("additionalProperties", schema(depth + 1));
                }
                case 6, 7 -> {
                    s.put("type", "array");
                    if (random.nextInt(3) == 0) s.put("prefixItems", List.of(schema(depth + 1)));
                    if (random.nextBoolean()) s.put("items", random.nextInt(5) == 0 ? Boolean.FALSE : schema(depth + 1));
                    if (random.nextBoolean()) s.put("minItems", (long) random.nextInt(3));
                    if (random.nextBoolean()) s.put("maxItems", (long) random.nextInt(4));
                    if (random.nextInt(6) == 0) s.put("uniqueItems", random.nextBoolean());
                }
                case 8 -> s.put(random.nextBoolean() ? "anyOf" : "oneOf", List.of(schema(depth + 1), schema(depth + 1)));
                case 9 -> s.put("allOf", List.of(schema(depth + 1)));
                case 10 -> s.put("$ref", random.nextInt(4) == 0 ? "#" : "#/$defs/d" + random.nextInt(3));
                default -> {
                    s.put("type", List.of("string", "null"));
                    if (random.nextInt(8) == 0) s.put("type", 5L);
                    if (random.nextInt(8) == 0) s.put("not", Map.of());
                }
            }
            if (random.nextInt(6) == 0) s.put("description", "d");
            return s;
        }
    }
}
