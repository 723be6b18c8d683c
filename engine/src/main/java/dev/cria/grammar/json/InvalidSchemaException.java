package dev.cria.grammar.json;

/** A schema that is malformed ({@code "type": 5}, a dangling {@code $ref}) or that no value satisfies. */
public final class InvalidSchemaException extends SchemaException {
    InvalidSchemaException(String keyword, String pointer, String why) {
        super(keyword, pointer, "invalid JSON Schema at " + UnsupportedSchemaException.shown(pointer)
                + " ('" + keyword + "'): " + why);
    }
}
