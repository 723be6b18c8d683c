package dev.cria.grammar.json;

/**
 * The digits after a number's decimal point, bounded by fractions: which digit strings D make
 * {@code 0.D} at least, at most, or between given fractions. Compared digit by digit, as decimal
 * fractions compare: the first digit that differs decides, and a missing digit is a zero. A result
 * is the grammar of non-empty digit strings plus whether no fraction at all (the value 0) is in.
 * Strings are bounded: at most {@value JsonRules#MAX_FRACTION_DIGITS} digits beyond the bound's own.
 */
final class DecimalFraction {
    private DecimalFraction() {
    }

    /** Non-empty digit strings (GBNF, null for none) and whether the empty fraction is in. */
    record Digits(String nonEmpty, boolean emptyIn) {
        static final Digits NONE = new Digits(null, false);

        /** The optional {@code .digits} part of a number for these digits; null when nothing is in. */
        String fractionPart() {
            if (nonEmpty == null) return emptyIn ? "" : null;
            return emptyIn ? "( \".\" " + nonEmpty + " )?" : "\".\" " + nonEmpty;
        }

        /** As a tail after one more digit: the grammar of the rest, which may be empty when emptyIn. */
        String tail() {
            if (nonEmpty == null) return emptyIn ? "" : null;
            return emptyIn ? "( " + nonEmpty + " )?" : nonEmpty;
        }
    }

    private static final int MAX = JsonRules.MAX_FRACTION_DIGITS;
    private static final String ANY = "[0-9]{1," + MAX + "}";

    /** 0.D ≥ 0.f (strict: &gt;); {@code f} has no trailing zeros. */
    static Digits atLeast(String f, boolean strict) {
        if (f.isEmpty()) return strict ? new Digits(nonZero(), false) : new Digits(ANY, true);
        int d = f.charAt(0) - '0';
        StringBuilder b = new StringBuilder();
        if (d < 9) b.append(digitRange(d + 1, 9)).append(" [0-9]{0,").append(MAX - 1).append("} | ");
        String tail = atLeast(f.substring(1), strict).tail();
        b.append('"').append(d).append('"');
        if (!tail.isEmpty()) b.append(' ').append(tail);
        return new Digits("( " + b + " )", false);
    }

    /** 0.D ≤ 0.f (strict: &lt;); {@code f} has no trailing zeros. */
    static Digits atMost(String f, boolean strict) {
        if (f.isEmpty()) return strict ? Digits.NONE : new Digits("\"0\"{1," + MAX + "}", true);
        int d = f.charAt(0) - '0';
        StringBuilder b = new StringBuilder();
        if (d > 0) b.append(digitRange(0, d - 1)).append(" [0-9]{0,").append(MAX - 1).append('}');
        Digits rest = atMost(f.substring(1), strict);
        // After the digit d: nothing more is 0.d, which is below f unless f is just d (then it is f).
        boolean endHere = f.length() > 1 || !strict;
        String tail = new Digits(rest.nonEmpty(), endHere).tail();
        if (tail != null) {
            if (!b.isEmpty()) b.append(" | ");
            b.append('"').append(d).append('"');
            if (!tail.isEmpty()) b.append(' ').append(tail);
        }
        return new Digits(b.isEmpty() ? null : "( " + b + " )", true);
    }

    /** 0.lo ≤ 0.D ≤ 0.hi (each bound strict or not), lo ≤ hi; neither has trailing zeros. */
    static Digits between(String lo, boolean loStrict, String hi, boolean hiStrict) {
        if (lo.isEmpty() && !loStrict) return atMost(hi, hiStrict);
        if (hi.isEmpty()) return Digits.NONE; // 0.D ≤ 0 with 0.D above 0 (or ≥ 0.lo > 0): none
        int l = lo.isEmpty() ? 0 : lo.charAt(0) - '0';
        int h = hi.charAt(0) - '0';
        String loRest = lo.isEmpty() ? "" : lo.substring(1);
        StringBuilder b = new StringBuilder();
        if (l == h) {
            String tail = between(loRest, loStrict, hi.substring(1), hiStrict).tail();
            if (tail == null) return Digits.NONE;
            b.append('"').append(l).append('"');
            if (!tail.isEmpty()) b.append(' ').append(tail);
        } else {
            String low = atLeast(loRest, loStrict).tail();
            if (low != null) b.append('"').append(l).append('"').append(low.isEmpty() ? "" : " " + low);
            if (h - l >= 2) {
                if (!b.isEmpty()) b.append(" | ");
                b.append(digitRange(l + 1, h - 1)).append(" [0-9]{0,").append(MAX - 1).append('}');
            }
            Digits highRest = atMost(hi.substring(1), hiStrict);
            String high = new Digits(highRest.nonEmpty(), hi.length() > 1 || !hiStrict).tail();
            if (high != null) {
                if (!b.isEmpty()) b.append(" | ");
                b.append('"').append(h).append('"').append(high.isEmpty() ? "" : " " + high);
            }
        }
        return new Digits(b.isEmpty() ? null : "( " + b + " )", false);
    }

    /** Digit strings with a digit other than 0. */
    private static String nonZero() {
        return "\"0\"{0," + (MAX - 1) + "} [1-9] [0-9]{0," + (MAX - 1) + "}";
    }

    private static String digitRange(int from, int to) {
        return from == to ? "\"" + from + "\"" : "[" + from + "-" + to + "]";
    }
}
