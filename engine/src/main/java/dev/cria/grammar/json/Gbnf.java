package dev.cria.grammar.json;

import java.util.List;

/**
 * Writing GBNF text (llama.cpp's grammars/README.md): literals, character classes over code
 * points, and the few combinators the compiler needs. Classes spell every ASCII character that is
 * not a letter or digit as {@code \xHH} and every other code point as <code>&#92;uHHHH</code> or
 * <code>&#92;UHHHHHHHH</code>, so no character can be taken for syntax ({@code ] - ^ \\}); literals keep
 * non-ASCII text as it is (its UTF-8 bytes are the bytes to match).
 */
final class Gbnf {
    private Gbnf() {
    }

    /** A literal that matches exactly {@code text}. */
    static String literal(String text) {
        StringBuilder b = new StringBuilder(text.length() + 2).append('"');
        text.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7F) b.append(hex("\\x", c, 2));
                    else b.appendCodePoint(c);
                }
            }
        });
        return b.append('"').toString();
    }

    /** One code point inside a character class. */
    static String classChar(int c) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
            return Character.toString(c);
        }
        if (c < 0x80) return hex("\\x", c, 2);
        if (c <= 0xFFFF) return hex("\\u", c, 4);
        return hex("\\U", c, 8);
    }

    /** {@code prefix} and {@code value} in {@code digits} upper-case hex digits (no Formatter: it is slow to start). */
    static String hex(String prefix, int value, int digits) {
        String h = Integer.toHexString(value).toUpperCase(java.util.Locale.ROOT);
        return prefix + "0".repeat(Math.max(0, digits - h.length())) + h;
    }

    /** A GBNF rule name: letters, digits and dashes. */
    static boolean isName(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c == '-' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
        }
        return true;
    }

    /** A class of the inclusive code point ranges {@code [lo0, hi0, lo1, hi1, ...]}, or its negation. */
    static String charClass(boolean negated, int... ranges) {
        StringBuilder b = new StringBuilder("[");
        if (negated) b.append('^');
        for (int i = 0; i < ranges.length; i += 2) {
            b.append(classChar(ranges[i]));
            if (ranges[i + 1] != ranges[i]) b.append('-').append(classChar(ranges[i + 1]));
        }
        return b.append(']').toString();
    }

    /** Alternatives, grouped: {@code ( a | b )}; one alternative stays as it is. */
    static String anyOf(List<String> alternatives) {
        if (alternatives.size() == 1) return alternatives.getFirst();
        return "( " + String.join(" | ", alternatives) + " )";
    }

    /** {@code item} from {@code min} to {@code max} times; {@code max < 0} means unbounded. */
    static String repeat(String item, int min, int max) {
        if (min == 0 && max == 0) return "\"\"";
        if (min == 1 && max == 1) return item;
        if (min == 0 && max == 1) return item + "?";
        if (max < 0) return min == 0 ? item + "*" : min == 1 ? item + "+" : item + "{" + min + ",}";
        if (min == max) return item + "{" + min + "}";
        return item + "{" + min + "," + max + "}";
    }
}
