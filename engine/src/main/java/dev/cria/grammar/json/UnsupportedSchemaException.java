package dev.cria.grammar.json;

/**
 * A valid schema keyword that the grammar cannot enforce (e.g. {@code uniqueItems}, {@code not},
 * a {@code pattern} with a lookahead). Refused rather than ignored: an output that only looks
 * constrained is worse than a 400.
 */
public final class UnsupportedSchemaException extends SchemaException {
    UnsupportedSchemaException(String keyword, String pointer, String why) {
        super(keyword, pointer, "JSON Schema keyword '" + keyword + "' at " + shown(pointer)
                + " cannot be enforced: " + why);
    }

    static String shown(String pointer) {
        return pointer.isEmpty() ? "the root" : pointer;
    }
}
