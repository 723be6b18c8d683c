package dev.cria.grammar.json;

import dev.cria.grammar.Grammar;

/**
 * JSON Schema → grammar (issue #19, item 2): the GBNF whose {@code root} derives exactly the JSON
 * texts the compiler lets a model write for a schema, every one of which validates against it.
 *
 * <p>A schema is given as plain Java values, as {@code dev.cria.util.StrictJson} parses it:
 * {@code Map<String,Object>}, {@code List<Object>}, String, Long, BigInteger, Double, Boolean,
 * null. What is covered and how (JSON Schema 2020-12, with the draft 4–7 spellings):
 * <ul>
 * <li>{@code type} (one or a list), {@code enum}, {@code const}, {@code anyOf}, {@code oneOf}
 *     (when its branches provably exclude each other), {@code allOf} of object schemas,
 *     {@code $ref} into the schema ({@code #}, {@code #/$defs/...}, {@code #/definitions/...}),
 *     recursive ones included;</li>
 * <li>objects: {@code properties} in declared order, {@code required} (optional ones any subset),
 *     {@code additionalProperties} (absent means none when {@code properties} is given: see
 *     {@link ObjectGrammar});</li>
 * <li>arrays: {@code items}, {@code prefixItems}, {@code minItems}, {@code maxItems};</li>
 * <li>strings: {@code minLength}, {@code maxLength}, {@code pattern} (a regular expression subset:
 *     {@link RegexGrammar}), {@code format} date, time, date-time, email, uuid ({@link StringFormats});</li>
 * <li>integers and numbers: {@code minimum}, {@code maximum} and the exclusive ones, exactly
 *     (decimal bounds too: {@link NumberBounds}).</li>
 * </ul>
 * Any other validation keyword is refused with an {@link UnsupportedSchemaException} naming it and
 * its JSON Pointer; a malformed schema is an {@link InvalidSchemaException}. Whitespace, number
 * lengths and escapes are bounded as {@link JsonRules} says. Limits, each refused the same way:
 * schemas nested more than {@value SchemaCompiler#MAX_DEPTH} deep (references included), counts
 * ({@code maxLength}, {@code maxItems}, regex {@code {m,n}}) above {@value SchemaCompiler#MAX_COUNT},
 * numeric bounds beyond 10^40.
 *
 * <p>Where JSON Schema allows more than one spelling, the grammar writes a subset, never a value
 * outside the schema: properties in declared order, no whitespace around the whole value, fixed
 * values compact, formats and patterns in the forms common validators read alike (see
 * {@link StringFormats} and {@link RegexParser}).
 *
 * <p>Compiling is a walk over the schema and builds text in proportion to it (a 20-property object
 * takes well under a millisecond once warm); the result can be cached by schema.
 */
public final class JsonSchemaGrammar {
    private JsonSchemaGrammar() {
    }

    /**
     * The GBNF text for {@code schema}.
     *
     * @throws SchemaException naming the keyword and its path when the schema cannot be enforced
     */
    public static String gbnf(Object schema) {
        return new SchemaCompiler(schema).compile();
    }

    /** {@link #gbnf} parsed. @throws SchemaException as {@link #gbnf} does */
    public static Grammar grammar(Object schema) {
        return Grammar.parse(gbnf(schema));
    }

    /** The GBNF of any JSON object: {@code response_format: {"type": "json_object"}}. */
    public static String anyObjectGbnf() {
        GbnfRules rules = new GbnfRules();
        rules.claim("root");
        rules.define("root", new JsonRules(rules).object());
        return rules.text();
    }

    /** The GBNF of any JSON value. */
    public static String anyValueGbnf() {
        return gbnf(Boolean.TRUE);
    }
}
