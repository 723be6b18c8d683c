package dev.cria.grammar.json;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.cria.grammar.Grammar;
import dev.cria.util.StrictJson;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One schema, compiled: what its grammar takes and what it refuses. Every instance the grammar
 * takes is also checked against the schema by a real JSON Schema 2020-12 validator (networknt,
 * formats asserted), so a test cannot pass on a grammar that lets an invalid value through.
 */
final class SchemaFixture {
    private static final SchemaRegistry VALIDATORS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    final String schemaJson;
    final String gbnf;
    final Grammar grammar;
    private final Schema validator;

    private SchemaFixture(String schemaJson) {
        this.schemaJson = schemaJson;
        this.gbnf = JsonSchemaGrammar.gbnf(StrictJson.parse(schemaJson));
        this.grammar = Grammar.parse(gbnf);
        this.validator = VALIDATORS.getSchema(schemaJson, InputFormat.JSON);
    }

    static SchemaFixture schema(String json) {
        return new SchemaFixture(json);
    }

    /** The grammar takes each instance, and each is valid against the schema. */
    SchemaFixture accepts(String... instances) {
        for (String instance : instances) {
            assertThat(matches(instance)).as("grammar takes %s%n%s", instance, gbnf).isTrue();
            assertThat(errors(instance)).as("validator on %s", instance).isEmpty();
        }
        return this;
    }

    /** The grammar refuses each instance (invalid against the schema, or outside what the grammar writes). */
    SchemaFixture rejects(String... instances) {
        for (String instance : instances) {
            assertThat(matches(instance)).as("grammar refuses %s%n%s", instance, gbnf).isFalse();
        }
        return this;
    }

    /** The grammar refuses each instance, and so does the validator: a value the schema forbids. */
    SchemaFixture rejectsInvalid(String... instances) {
        for (String instance : instances) {
            assertThat(errors(instance)).as("validator refuses %s", instance).isNotEmpty();
            assertThat(matches(instance)).as("grammar refuses %s%n%s", instance, gbnf).isFalse();
        }
        return this;
    }

    boolean matches(String instance) {
        return grammar.matches(instance.getBytes(StandardCharsets.UTF_8));
    }

    List<Error> errors(String instance) {
        return validator.validate(instance, InputFormat.JSON, context -> context.executionConfig(c -> c.formatAssertionsEnabled(true)));
    }

    /** Compiling {@code schemaJson} is refused with an exception naming {@code keyword} at {@code pointer}. */
    static void refused(String schemaJson, String keyword, String pointer) {
        assertThatThrownBy(() -> JsonSchemaGrammar.gbnf(StrictJson.parse(schemaJson)))
                .isInstanceOf(UnsupportedSchemaException.class)
                .hasMessageContaining("'" + keyword + "'")
                .hasMessageContaining(pointer)
                .satisfies(e -> {
                    assertThat(((SchemaException) e).keyword()).isEqualTo(keyword);
                    assertThat(((SchemaException) e).pointer()).isEqualTo(pointer);
                });
    }

    static void invalid(String schemaJson, String keyword, String pointer) {
        assertThatThrownBy(() -> JsonSchemaGrammar.gbnf(StrictJson.parse(schemaJson)))
                .isInstanceOf(InvalidSchemaException.class)
                .satisfies(e -> {
                    assertThat(((SchemaException) e).keyword()).isEqualTo(keyword);
                    assertThat(((SchemaException) e).pointer()).isEqualTo(pointer);
                });
    }
}
