package dev.cria.grammar.json;

/**
 * Where a schema node stands, as a JSON Pointer (RFC 6901: {@code ~} is written {@code ~0} and
 * {@code /} is written {@code ~1}), for error messages.
 */
record SchemaPath(String pointer) {
    static final SchemaPath ROOT = new SchemaPath("");

    SchemaPath child(String key) {
        return new SchemaPath(pointer + "/" + key.replace("~", "~0").replace("/", "~1"));
    }

    SchemaPath child(int index) {
        return new SchemaPath(pointer + "/" + index);
    }

    /** The pointer of {@code keyword} in this schema. */
    String at(String keyword) {
        return child(keyword).pointer;
    }

    UnsupportedSchemaException unsupported(String keyword, String why) {
        return new UnsupportedSchemaException(keyword, at(keyword), why);
    }

    InvalidSchemaException invalid(String keyword, String why) {
        return new InvalidSchemaException(keyword, at(keyword), why);
    }

    @Override
    public String toString() {
        return pointer.isEmpty() ? "/" : pointer;
    }
}
