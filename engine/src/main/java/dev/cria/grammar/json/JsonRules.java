package dev.cria.grammar.json;

import java.util.Set;

/**
 * The shared rules of JSON text (RFC 8259), bounded so that a model sampling at random cannot run
 * on forever inside one token of JSON:
 * <ul>
 * <li>{@code ws}: at most one space, or one newline and up to 20 spaces or tabs (pretty-printed
 *     JSON, nested ten deep with two-space indents). llama.cpp's json-schema-to-grammar allows the
 *     same amount. It stands after every {@code [ { , :} and after every value inside a container,
 *     never at the start or end of the whole text.</li>
 * <li>numbers: an integer part of at most 16 digits (no leading zero), a fraction of at most 16
 *     digits, an exponent of at most 3 digits: more than a double holds.</li>
 * <li>strings: any JSON string; characters are unescaped code points other than {@code "},
 *     {@code \} and the controls U+0000–U+001F, or the escapes of RFC 8259 §7. A string's length is
 *     not bounded here: a model must close it before its token budget ends, as it must close any
 *     value; a schema bounds it with {@code maxLength}. Nesting of arbitrary values is likewise
 *     unbounded.</li>
 * <li>keys: an object of declared properties writes each at most once; an object open to any key
 *     ({@code json_object}, {@code additionalProperties} without {@code properties}) may repeat one,
 *     as with llama.cpp's grammars: a context-free grammar cannot remember which keys it wrote.
 *     RFC 8259 §4 only says names SHOULD be unique; a reader that refuses duplicates (StrictJson)
 *     must be ready for it.</li>
 * </ul>
 * Rules are defined in a {@link GbnfRules} the first time they are asked for.
 */
final class JsonRules {
    /** Names these rules own; schema-derived rules never take them. */
    static final Set<String> SHARED = Set.of("root", "ws", "value", "object", "member", "array", "string",
            "char", "escape", "number", "integer", "integral", "boolean", "null", "fraction", "exponent",
            "date", "date-month-day", "date-leap-year", "time", "time-hour", "time-minute", "time-offset", "date-time",
            "email", "email-atom", "email-label", "email-tld", "uuid", "key-char", "key-escape");

    static final int MAX_INDENT = 20;
    static final int MAX_INTEGER_DIGITS = 16;
    static final int MAX_FRACTION_DIGITS = 16;
    static final int MAX_EXPONENT_DIGITS = 3;

    private final GbnfRules rules;

    JsonRules(GbnfRules rules) {
        this.rules = rules;
    }

    String ws() {
        return rules.shared("ws", () -> "( \" \" | \"\\n\" [ \\t]{0," + MAX_INDENT + "} )?");
    }

    /** One character of a JSON string's text, as written (escaped or not). */
    String character() {
        return rules.shared("char", () -> Gbnf.charClass(true, '"', '"', '\\', '\\', 0, 0x1F) + " | " + escape());
    }

    /**
     * An escape (RFC 8259 §7). A {@code \\u} escape of a UTF-16 surrogate comes only as a high one
     * followed by a low one, so every string is valid Unicode (RFC 8259 §8.2) and counts as the code
     * points it stands for: a pair is one character, as {@code minLength} counts.
     */
    String escape() {
        return rules.shared("escape", () -> {
            String hex = "[0-9a-fA-F]";
            String notSurrogate = "( [0-9a-cA-Ce-fE-F] " + hex + "{3} | [dD] [0-7] " + hex + "{2} )";
            String pair = "[dD] [89abAB] " + hex + "{2} \"\\\\u\" [dD] [c-fC-F] " + hex + "{2}";
            return "\"\\\\\" ( [\\x22\\x5C/bfnrt] | \"u\" " + notSurrogate + " | \"u\" " + pair + " )";
        });
    }

    String string() {
        return rules.shared("string", () -> "\"\\\"\" " + character() + "* \"\\\"\"");
    }

    String integral() {
        return rules.shared("integral", () -> "\"0\" | [1-9] [0-9]{0," + (MAX_INTEGER_DIGITS - 1) + "}");
    }

    String integer() {
        return rules.shared("integer", () -> "\"-\"? " + integral());
    }

    String fraction() {
        return rules.shared("fraction", () -> "\".\" [0-9]{1," + MAX_FRACTION_DIGITS + "}");
    }

    String exponent() {
        return rules.shared("exponent", () -> "[eE] [-+]? [0-9]{1," + MAX_EXPONENT_DIGITS + "}");
    }

    String number() {
        return rules.shared("number", () -> "\"-\"? " + integral() + " " + fraction() + "? " + exponent() + "?");
    }

    String bool() {
        return rules.shared("boolean", () -> "\"true\" | \"false\"");
    }

    String nul() {
        return rules.shared("null", () -> "\"null\"");
    }

    /** Any JSON value. */
    String value() {
        if (!rules.isDefined("value")) {
            rules.shared("value", () -> "object | array | " + string() + " | " + number() + " | " + bool() + " | " + nul());
            String ws = ws();
            rules.shared("member", () -> string() + " " + ws + " \":\" " + ws + " value " + ws);
            rules.shared("object", () -> "\"{\" " + ws + " ( member ( \",\" " + ws + " member )* )? \"}\"");
            rules.shared("array", () -> "\"[\" " + ws + " ( value " + ws + " ( \",\" " + ws + " value " + ws + " )* )? \"]\"");
        }
        return "value";
    }

    /** Any JSON object. */
    String object() {
        value();
        return "object";
    }

    /** Any JSON array. */
    String array() {
        value();
        return "array";
    }
}
