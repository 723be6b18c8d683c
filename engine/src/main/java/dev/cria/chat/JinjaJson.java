package dev.cria.chat;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/**
 * The chat template's {@code tojson} filter, byte for byte as @huggingface/jinja 0.5.11 prints it
 * (the renderer that produced testdata/golden/chat_template.jsonl; llama.cpp's minja agrees):
 * {@code JSON.stringify} for scalars, so non-ASCII stays raw (Python's {@code ensure_ascii=False})
 * and numbers print as JavaScript does ({@code 2.0} → {@code 2}, {@code 1e21} → {@code 1e+21});
 * without indent the separators are {@code ", "} and {@code ": "} (Python's json.dumps default);
 * with indent every element goes on its own line, and empty containers print as {@code {}} / {@code []}.
 *
 * <p>Accepts the values {@link dev.cria.util.StrictJson} yields (Map, List, String, Long, BigInteger,
 * Double, Boolean, null) and any other {@link Number} and arrays of objects. A BigInteger prints as
 * the double nearest to it, as JavaScript's numbers hold it.
 */
public final class JinjaJson {
    private JinjaJson() {
    }

    /** {@code value | tojson}. */
    public static String toJson(Object value) {
        StringBuilder b = new StringBuilder();
        write(b, value, 0, 0);
        return b.toString();
    }

    /** {@code value | tojson(indent=indent)}; indent 0 means none. */
    public static String toJson(Object value, int indent) {
        if (indent < 0) throw new IllegalArgumentException("tojson indent must be >= 0, got " + indent);
        StringBuilder b = new StringBuilder();
        write(b, value, indent, 0);
        return b.toString();
    }

    private static void write(StringBuilder b, Object v, int indent, int depth) {
        switch (v) {
            case null -> b.append("null");
            case String s -> quote(b, s);
            case Boolean bool -> b.append(bool.booleanValue());
            case Character c -> quote(b, c.toString());
            case Long l -> b.append(l.longValue());
            case Integer i -> b.append(i.intValue());
            case Short sh -> b.append(sh.shortValue());
            case Byte by -> b.append(by.byteValue());
            case BigInteger bi -> b.append(numberToString(bi.doubleValue()));
            case Number n -> b.append(numberToString(n.doubleValue()));
            case Map<?, ?> m -> writeObject(b, m, indent, depth);
            case List<?> list -> writeArray(b, list, indent, depth);
            case Object[] arr -> writeArray(b, List.of(arr), indent, depth);
            default -> throw new IllegalArgumentException(
                    "tojson: cannot convert a " + v.getClass().getName() + " to JSON");
        }
    }

    private static void writeObject(StringBuilder b, Map<?, ?> m, int indent, int depth) {
        if (m.isEmpty()) {
            b.append("{}");
            return;
        }
        b.append('{');
        boolean first = true;
        for (Map.Entry<?, ?> e : m.entrySet()) {
            if (!first) b.append(indent > 0 ? "," : ", ");
            first = false;
            if (indent > 0) newline(b, indent, depth + 1);
            quote(b, String.valueOf(e.getKey()));
            b.append(": ");
            write(b, e.getValue(), indent, depth + 1);
        }
        if (indent > 0) newline(b, indent, depth);
        b.append('}');
    }

    private static void writeArray(StringBuilder b, List<?> list, int indent, int depth) {
        if (list.isEmpty()) {
            b.append("[]");
            return;
        }
        b.append('[');
        boolean first = true;
        for (Object item : list) {
            if (!first) b.append(indent > 0 ? "," : ", ");
            first = false;
            if (indent > 0) newline(b, indent, depth + 1);
            write(b, item, indent, depth + 1);
        }
        if (indent > 0) newline(b, indent, depth);
        b.append(']');
    }

    private static void newline(StringBuilder b, int indent, int depth) {
        b.append('\n');
        b.repeat(' ', indent * depth);
    }

    /**
     * {@code JSON.stringify(string)} (ECMA-262 QuoteJSONString): escapes {@code "} and {@code \},
     * the short forms \b \f \n \r \t, other controls below U+0020 and lone surrogates as
     * lowercase {@code \}{@code uXXXX}; every other character is written as is.
     */
    static void quote(StringBuilder b, String s) {
        b.append('"');
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        unicodeEscape(b, c);
                    } else if (Character.isHighSurrogate(c)) {
                        if (i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                            b.append(c).append(s.charAt(++i));
                        } else {
                            unicodeEscape(b, c);
                        }
                    } else if (Character.isLowSurrogate(c)) {
                        unicodeEscape(b, c);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    private static void unicodeEscape(StringBuilder b, char c) {
        String hex = Integer.toHexString(c);
        b.append("\\u");
        b.repeat('0', 4 - hex.length());
        b.append(hex);
    }

    /**
     * ECMA-262 Number::toString(10) as {@code JSON.stringify} uses it: the shortest digits that
     * round-trip (Java's {@link Double#toString} gives those since JDK 19), fixed notation for
     * 1e-7 < |x| < 1e21, else {@code d.ddde±n}; NaN and infinities become {@code null}.
     */
    static String numberToString(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) return "null";
        if (d == 0) return "0"; // also -0, which JSON.stringify prints as 0
        BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        if (exact.precision() == 2) exact = oneDigitIfItRoundTrips(Math.abs(d), exact);
        String digits = exact.unscaledValue().abs().toString();
        int k = digits.length();
        int n = k - exact.scale(); // value = 0.digits × 10^n
        StringBuilder b = new StringBuilder(k + 8);
        if (d < 0) b.append('-');
        if (k <= n && n <= 21) {
            b.append(digits).repeat('0', n - k);
        } else if (0 < n && n <= 21) {
            b.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            b.append("0.").repeat('0', -n).append(digits);
        } else {
            b.append(digits.charAt(0));
            if (k > 1) b.append('.').append(digits, 1, k);
            int e = n - 1;
            b.append('e').append(e < 0 ? '-' : '+').append(Math.abs(e));
        }
        return b.toString();
    }

    /**
     * Java's Double.toString may use two digits where one would round-trip, if the two-digit
     * decimal is closer (JDK 19+ javadoc: "length 1 or 2"); JavaScript always takes the shortest,
     * e.g. Double.MIN_VALUE is "4.9E-324" in Java but "5e-324" in JavaScript.
     */
    private static BigDecimal oneDigitIfItRoundTrips(double abs, BigDecimal twoDigits) {
        BigDecimal value = new BigDecimal(abs);
        BigDecimal lo = value.round(new MathContext(1, RoundingMode.FLOOR));
        BigDecimal hi = value.round(new MathContext(1, RoundingMode.CEILING));
        boolean loOk = lo.doubleValue() == abs;
        boolean hiOk = hi.doubleValue() == abs;
        if (loOk && hiOk) {
            return value.subtract(lo).compareTo(hi.subtract(value)) <= 0 ? lo.stripTrailingZeros() : hi.stripTrailingZeros();
        }
        if (loOk) return lo.stripTrailingZeros();
        if (hiOk) return hi.stripTrailingZeros();
        return twoDigits;
    }
}
