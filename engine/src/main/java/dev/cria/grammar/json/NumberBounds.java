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
 * <p>Exact for both: integers by {@link IntegerRange}; numbers by their integer part (a range) and,
 * at a bound's own integer part, their fraction digit by digit ({@link DecimalFraction}). A missing
 * side is bounded by the 16-digit limit of every JSON number here; a bounded number is written
 * without an exponent.
 */
final class NumberBounds {
    private NumberBounds() {
    }

    private static final String ANY_FRACTION = "( \".\" [0-9]{1," + JsonRules.MAX_FRACTION_DIGITS + "} )?";

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
        BigDecimal a = low == null ? null : low.value();
        BigDecimal b = high == null ? null : high.value();
        BigInteger limit = limit(a == null ? null : a.toBigInteger(), b == null ? null : b.toBigInteger());
        List<String> options = new ArrayList<>();
        // x >= 0, written without a sign: its magnitude from max(a, 0) to b.
        if (b == null || b.signum() > 0 || (b.signum() == 0 && !high.strict())) {
            boolean fromA = a != null && a.signum() >= 0;
            magnitudes(fromA ? a : BigDecimal.ZERO, fromA && low.strict(), b, b != null && high.strict(), limit, "", options);
        }
        // x < 0, written "-m": m above max(-b, 0) (always above 0: no "-0"), up to -a.
        if (a == null || a.signum() < 0) {
            boolean fromB = b != null && b.signum() < 0;
            magnitudes(fromB ? b.negate() : BigDecimal.ZERO, !fromB || high.strict(), a == null ? null : a.negate(),
                    a != null && low.strict(), limit, "\"-\" ", options);
        }
        if (options.isEmpty()) throw path.invalid(keyOf(node, true), "no number lies within the bounds");
        return Gbnf.anyOf(options);
    }

    /**
     * Magnitudes m = I.F with from ≤ m ≤ to (each strict or not; to null: up to the digit limit).
     * Integer parts strictly between the bounds' take any fraction; the bounds' own integer parts take
     * the fractions {@link DecimalFraction} allows.
     */
    private static void magnitudes(BigDecimal from, boolean fromStrict, BigDecimal to, boolean toStrict, BigInteger limit,
                                   String sign, List<String> options) {
        if (to != null) {
            int c = from.compareTo(to);
            if (c > 0 || (c == 0 && (fromStrict || toStrict))) return;
        }
        BigInteger fromInt = from.setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
        String fromFraction = fraction(from);
        BigInteger toInt = to == null ? null : to.setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
        if (toInt != null && toInt.equals(fromInt)) {
            add(options, sign, fromInt, DecimalFraction.between(fromFraction, fromStrict, fraction(to), toStrict));
            return;
        }
        add(options, sign, fromInt, DecimalFraction.atLeast(fromFraction, fromStrict));
        BigInteger middleTo = toInt == null ? limit : toInt.subtract(BigInteger.ONE);
        if (fromInt.add(BigInteger.ONE).compareTo(middleTo) <= 0) {
            options.add(sign + IntegerRange.expression(fromInt.add(BigInteger.ONE), middleTo) + " " + ANY_FRACTION);
        }
        if (toInt != null) add(options, sign, toInt, DecimalFraction.atMost(fraction(to), toStrict));
    }

    private static void add(List<String> options, String sign, BigInteger integerPart, DecimalFraction.Digits digits) {
        String fraction = digits.fractionPart();
        if (fraction == null) return;
        options.add((sign + IntegerRange.expression(integerPart, integerPart) + " " + fraction).strip());
    }

    /** The digits after the point of a non-negative value, without trailing zeros ("" for an integer). */
    private static String fraction(BigDecimal value) {
        BigDecimal f = value.subtract(new BigDecimal(value.setScale(0, RoundingMode.FLOOR).toBigIntegerExact())).stripTrailingZeros();
        if (f.signum() == 0) return "";
        String digits = f.toPlainString(); // "0.25"
        return digits.substring(digits.indexOf('.') + 1);
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
        Bound result = tightest(node, path, inclusiveKey, exclusiveKey, lower);
        if (result != null && result.value().abs().compareTo(LARGEST_BOUND) > 0) {
            throw path.unsupported(keyOf(node, lower), "a bound beyond 10^40 (" + result.value().toString() + ")");
        }
        return result;
    }

    /** Bounds beyond this would take grammars of thousands of digit rules; no real schema has them. */
    private static final BigDecimal LARGEST_BOUND = BigDecimal.TEN.pow(40);

    private static Bound tightest(Map<String, Object> node, SchemaPath path, String inclusiveKey, String exclusiveKey, boolean lower) {
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
