package dev.cria.grammar.json;

import dev.cria.grammar.GrammarException;

/**
 * A JSON Schema the compiler will not turn into a grammar. The message names the keyword and where
 * it stands as a JSON Pointer (RFC 6901) into the schema, e.g. {@code /properties/tags/uniqueItems},
 * so an API can answer 400 with a message a user can act on.
 */
public abstract sealed class SchemaException extends GrammarException
        permits UnsupportedSchemaException, InvalidSchemaException {
    private final String keyword;
    private final String pointer;

    SchemaException(String keyword, String pointer, String message) {
        super(message);
        this.keyword = keyword;
        this.pointer = pointer;
    }

    /** The schema keyword at fault, e.g. {@code uniqueItems}. */
    public String keyword() {
        return keyword;
    }

    /** Where it is: a JSON Pointer into the schema, {@code ""} for the root schema itself. */
    public String pointer() {
        return pointer;
    }
}
