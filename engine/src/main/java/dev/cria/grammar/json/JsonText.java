package dev.cria.grammar.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Plain values (as {@code StrictJson} yields them) written as compact JSON, in the one spelling the
 * grammar allows for a fixed value ({@code const}, {@code enum}, property names): strings escape
 * only {@code "}, {@code \}, and the controls (short escapes where RFC 8259 §7 has them,
 * <code>&#92;u00xx</code> in lower case otherwise).
 */
final class JsonText {
    private JsonText() {
    }

    static String write(Object value) {
        StringBuilder b = new StringBuilder();
        write(value, b);
        return b.toString();
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        s.codePoints().forEach(c -> b.append(character(c)));
        return b.append('"').toString();
    }

    /** How one code point is written inside a JSON string. */
    static String character(int c) {
        return switch (c) {
            case '"' -> "\\\"";
            case '\\' -> "\\\\";
            case '\b' -> "\\b";
            case '\f' -> "\\f";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> c < 0x20 ? Gbnf.hex("\\u", c, 4).toLowerCase(java.util.Locale.ROOT) : Character.toString(c);
        };
    }

    private static void write(Object value, StringBuilder b) {
        switch (value) {
            case null -> b.append("null");
            case String s -> b.append(quote(s));
            case Boolean x -> b.append(x);
            case Long x -> b.append(x);
            case BigInteger x -> b.append(x);
            case Double x -> {
                if (!Double.isFinite(x)) throw new IllegalArgumentException("not a JSON number: " + x);
                b.append(x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString(x.longValue()) : x.toString());
            }
            case BigDecimal x -> b.append(x.toString());
            case Map<?, ?> m -> {
                b.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    if (!first) b.append(',');
                    first = false;
                    b.append(quote(String.valueOf(e.getKey()))).append(':');
                    write(e.getValue(), b);
                }
                b.append('}');
            }
            case List<?> list -> {
                b.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) b.append(',');
                    write(list.get(i), b);
                }
                b.append(']');
            }
            default -> throw new IllegalArgumentException("not a JSON value: " + value.getClass().getName());
        }
    }
}
