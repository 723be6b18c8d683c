package dev.cria.grammar.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code minimum}, {@code maximum}, {@code exclusiveMinimum}, {@code exclusiveMaximum} (JSON Schema
 * 2020-12 validation §6.2; draft 4's boolean {@code exclusiveMinimum}/{@code exclusiveMaximum}
 * modify {@code minimum}/{@code maximum}).
 *
 * <p>For integers any bounds are exact ({@link IntegerRange}); a missing side is bounded by the
 * 16-digit limit of every JSON number here. For numbers the bounds must be integers: {@code x ≥ a}
 * then holds exactly when the integer part does, and {@code x ≤ b} when the integer part is below
 * {@code b}, or is {@code b} with a fraction of zeros; a bounded number is written without an
 * exponent. Fractional bounds on numbers are refused.
 */
final class NumberBounds {
    private NumberBounds() {
    }

    private static final String ANY_FRACTION = "( \".\" [0-9]{1," + JsonRules.MAX_FRACTION_DIGITS + "} )?";
    private static final String ZERO_FRACTION = "( \".\" \"0\"{1," + JsonRules.MAX_FRACTION_DIGITS + "} )?";
    private static final String NONZERO_FRACTION = "\".\" \"0\"{0,7} [1-9] [0-9]{0,8}";

    /** One bound: its value and whether the value itself is excluded. */
    private record Bound(BigDecimal value, boolean strict) {
    }

    static BigDecimal decimal(Object value) {
        return switch (value) {
            case Long l -> BigDecimal.valueOf(l);
            case BigInteger i -> new BigDecimal(i);
            case Double d when Double.isFinite(d) -> BigDecimal.valueOf(d);
            case BigDecimal d -> d;
            default -> null;
        };
    }

    /** The closed integer range of an integer schema, or null when it has no bounds. */
    static BigInteger[] integerRange(Map<String, Object> node, SchemaPath path) {
        Bound low = lower(node, path);
        Bound high = upper(node, path);
        if (low == null && high == null) return null;
        BigInteger lo = low == null ? null : low.strict()
                ? low.value().setScale(0, RoundingMode.FLOOR).toBigIntegerExact().add(BigInteger.ONE)
                : low.value().setScale(0, RoundingMode.CEILING).toBigIntegerExact();
        BigInteger hi = high == null ? null : high.strict()
                ? high.value().setScale(0, RoundingMode.CEILING).toBigIntegerExact().subtract(BigInteger.ONE)
                : high.value().setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
        BigInteger limit = limit(lo, hi);
        if (lo == null) lo = limit.negate();
        if (hi == null) hi = limit;
        if (lo.compareTo(hi) > 0) throw path.invalid(low != null ? keyOf(node, true) : keyOf(node, false), "no integer lies within the bounds");
        return new BigInteger[]{lo, hi};
    }

    /** The grammar of a number schema: the plain number, or an exact bounded one. */
    static String expression(Map<String, Object> node, SchemaPath path, JsonRules json) {
        Bound low = lower(node, path);
        Bound high = upper(node, path);
        if (low == null && high == null) return json.number();
        for (Bound b : new Bound[]{low, high}) {
            if (b != null && b.value().stripTrailingZeros().scale() > 0) {
                throw path.unsupported(keyOf(node, b == low), "a bound of a non-integer number must be an integer (" + b.value() + ")");
            }
        }
        BigInteger a = low == null ? null : low.value().toBigIntegerExact();
        BigInteger b = high == null ? null : high.value().toBigIntegerExact();
        BigInteger limit = limit(a, b);
        List<String> options = new ArrayList<>();
        // x >= 0, written without a sign: its magnitude bounded by [max(a,0), b].
        if (b == null || b.signum() > 0 || (b.signum() == 0 && !high.strict())) {
            Bound from = a == null || a.signum() < 0 ? new Bound(BigDecimal.ZERO, false) : low;
            magnitudes(from.value().toBigIntegerExact(), from.strict(), b == null ? limit : b, b != null && high.strict(), b == null, "", options);
        }
        // x < 0, written "-m": m > 0 bounded by [max(-b, 0), -a].
        if (a == null || a.signum() < 0) {
            boolean fromStrict = b == null || b.signum() >= 0 || high.strict();
            BigInteger from = b == null || b.signum() >= 0 ? BigInteger.ZERO : b.negate();
            magnitudes(from, fromStrict, a == null ? limit : a.negate(), a != null && low.strict(), a == null, "\"-\" ", options);
        }
        if (options.isEmpty()) throw path.invalid(keyOf(node, true), "no number lies within the bounds");
        return Gbnf.anyOf(options);
    }

    /** Magnitudes m = I.F with from ≤ m ≤ to (strict: &lt;), as integer part ranges and fraction kinds. */
    private static void magnitudes(BigInteger from, boolean fromStrict, BigInteger to, boolean toStrict, boolean toOpen,
                                   String sign, List<String> options) {
        BigInteger anyFrom = fromStrict ? from.add(BigInteger.ONE) : from;
        BigInteger anyTo = toOpen ? to : to.subtract(BigInteger.ONE);
        if (anyFrom.compareTo(anyTo) <= 0) options.add(sign + IntegerRange.expression(anyFrom, anyTo) + " " + ANY_FRACTION);
        if (fromStrict && (toOpen || from.compareTo(to) < 0)) {
            options.add(sign + IntegerRange.expression(from, from) + " " + NONZERO_FRACTION);
        }
        if (!toOpen && !toStrict && to.compareTo(from) >= 0 && !(fromStrict && to.equals(from))) {
            options.add(sign + IntegerRange.expression(to, to) + " " + ZERO_FRACTION);
        }
    }

    /** The largest magnitude: 16 digits, or as many as a bound has. */
    private static BigInteger limit(BigInteger lo, BigInteger hi) {
        int digits = JsonRules.MAX_INTEGER_DIGITS;
        for (BigInteger x : new BigInteger[]{lo, hi}) if (x != null) digits = Math.max(digits, x.abs().toString().length());
        return BigInteger.TEN.pow(digits).subtract(BigInteger.ONE);
    }

    private static String keyOf(Map<String, Object> node, boolean lower) {
        if (lower) return node.get("exclusiveMinimum") instanceof Boolean || !node.containsKey("exclusiveMinimum") ? "minimum" : "exclusiveMinimum";
        return node.get("exclusiveMaximum") instanceof Boolean || !node.containsKey("exclusiveMaximum") ? "maximum" : "exclusiveMaximum";
    }

    private static Bound lower(Map<String, Object> node, SchemaPath path) {
        return bound(node, path, "minimum", "exclusiveMinimum", true);
    }

    private static Bound upper(Map<String, Object> node, SchemaPath path) {
        return bound(node, path, "maximum", "exclusiveMaximum", false);
    }

    /** The tighter of the inclusive and exclusive bound on one side. */
    private static Bound bound(Map<String, Object> node, SchemaPath path, String inclusiveKey, String exclusiveKey, boolean lower) {
        Bound result = null;
        Object exclusive = node.get(exclusiveKey);
        if (node.containsKey(inclusiveKey)) {
            BigDecimal v = decimal(node.get(inclusiveKey));
            if (v == null) throw path.invalid(inclusiveKey, "not a number");
            result = new Bound(v, Boolean.TRUE.equals(exclusive)); // draft 4: a boolean exclusive* modifies it
        }
        if (exclusive != null && !(exclusive instanceof Boolean)) {
            BigDecimal v = decimal(exclusive);
            if (v == null) throw path.invalid(exclusiveKey, "not a number");
            Bound candidate = new Bound(v, true);
            if (result == null) result = candidate;
            else {
                int c = v.compareTo(result.value());
                if (lower ? c >= 0 : c <= 0) result = candidate;
            }
        }
        return result;
    }
}
