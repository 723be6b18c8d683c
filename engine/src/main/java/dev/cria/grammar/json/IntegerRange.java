package dev.cria.grammar.json;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The decimal integers of a closed range {@code [lo, hi]} as JSON writes them (no leading zeros, no
 * {@code -0}), digit by digit: the same idea as llama.cpp's range rules. A range of one digit length
 * whose bounds share a first digit is that digit and the range of the rest; otherwise it splits into
 * the low bound's first digit (rest from the low bound's rest up to all nines), the digits strictly
 * between (any rest), and the high bound's first digit (rest from all zeros up to its rest). A
 * range spanning several lengths is one such range per length. The result is exact and small:
 * O(digits²) items.
 */
final class IntegerRange {
    private IntegerRange() {
    }

    /** A GBNF expression (parenthesised where it has alternatives) for the integers in [lo, hi]. */
    static String expression(BigInteger lo, BigInteger hi) {
        if (lo.compareTo(hi) > 0) throw new IllegalArgumentException(lo + " > " + hi);
        if (lo.signum() >= 0) return nonNegative(lo, hi);
        if (hi.signum() < 0) return "\"-\" " + nonNegative(hi.negate(), lo.negate());
        return "( \"-\" " + nonNegative(BigInteger.ONE, lo.negate()) + " | " + nonNegative(BigInteger.ZERO, hi) + " )";
    }

    private static String nonNegative(BigInteger lo, BigInteger hi) {
        String low = lo.toString();
        String high = hi.toString();
        List<String> alternatives = new ArrayList<>();
        int fullFrom = -1; // a run of lengths whose every number is in range: [1-9] [0-9]{a,b}
        for (int length = low.length(); length <= high.length(); length++) {
            String from = length == low.length() ? low : "1" + "0".repeat(length - 1);
            String to = length == high.length() ? high : "9".repeat(length);
            boolean full = length > 1 && from.equals("1" + "0".repeat(length - 1)) && to.equals("9".repeat(length));
            if (full) {
                if (fullFrom < 0) fullFrom = length;
                if (length < high.length()) continue;
            }
            if (fullFrom > 0) {
                int last = full ? length : length - 1;
                alternatives.add("[1-9] " + Gbnf.repeat("[0-9]", fullFrom - 1, last - 1));
                fullFrom = -1;
            }
            if (!full) alternatives.add(sameLength(from, to));
        }
        return Gbnf.anyOf(alternatives);
    }

    /** Digit strings of one length from {@code lo} to {@code hi}, both inclusive. */
    private static String sameLength(String lo, String hi) {
        if (lo.isEmpty()) return "\"\"";
        int rest = lo.length() - 1;
        char first = lo.charAt(0);
        char last = hi.charAt(0);
        if (first == last) return join("\"" + first + "\"", rest == 0 ? "" : sameLength(lo.substring(1), hi.substring(1)));
        boolean lowRestIsFloor = isAll(lo.substring(1), '0');
        boolean highRestIsCeiling = isAll(hi.substring(1), '9');
        List<String> alternatives = new ArrayList<>();
        char middleFrom = lowRestIsFloor ? first : (char) (first + 1);
        char middleTo = highRestIsCeiling ? last : (char) (last - 1);
        if (!lowRestIsFloor) {
            alternatives.add(join("\"" + first + "\"", sameLength(lo.substring(1), "9".repeat(rest))));
        }
        if (middleFrom <= middleTo) {
            String digit = middleFrom == middleTo ? "\"" + middleFrom + "\"" : "[" + middleFrom + "-" + middleTo + "]";
            alternatives.add(join(digit, anyDigits(rest)));
        }
        if (!highRestIsCeiling) {
            alternatives.add(join("\"" + last + "\"", sameLength("0".repeat(rest), hi.substring(1))));
        }
        return Gbnf.anyOf(alternatives);
    }

    private static String anyDigits(int count) {
        return count == 0 ? "" : Gbnf.repeat("[0-9]", count, count);
    }

    private static String join(String a, String b) {
        return b.isEmpty() ? a : a + " " + b;
    }

    private static boolean isAll(String s, char c) {
        return s.chars().allMatch(x -> x == c);
    }
}
