package dev.cria.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns sets of Unicode code points (GBNF character classes and {@code .}) into byte-level DFAs
 * over their UTF-8 encodings, so the runtime never decodes UTF-8: a token that ends in the middle
 * of a multi-byte character simply leaves the parse stack inside the class's DFA (its state is the
 * partial character). llama.cpp decodes code points and carries a separate partial-UTF-8 state
 * (llama-grammar.cpp, decode_utf8 / match_partial_char); doing it in the automaton instead makes the
 * partial check exact rather than a range over-approximation.
 *
 * <p>Only valid UTF-8 is derived: surrogates (U+D800..U+DFFF) are never members, overlong forms and
 * code points above U+10FFFF are refused. The table is shared by all classes of one grammar; a state
 * is 256 entries: the next state, {@link #FAIL} or {@link #DONE} (the character is complete).
 */
final class Utf8Classes {
    static final int FAIL = -1;
    static final int DONE = -2;
    static final int MAX_CODE_POINT = 0x10FFFF;

    private int[] table = new int[256 * 16];
    private int states;
    private final Map<String, Integer> startStates = new HashMap<>();
    private final Map<String, Integer> continuationStates = new HashMap<>();

    /** The DFA start state for a set of code points given as sorted, disjoint, inclusive [lo, hi] pairs. */
    int startState(int[] ranges) {
        String key = Arrays.toString(ranges);
        Integer known = startStates.get(key);
        if (known != null) return known;
        int state = newState();
        startStates.put(key, state);
        for (int b = 0; b < 256; b++) {
            int lo, hi, continuation;
            if (b < 0x80) { lo = b; hi = b; continuation = 0; }
            else if (b >= 0xC2 && b <= 0xDF) { lo = (b & 0x1F) << 6; hi = lo | 0x3F; continuation = 1; lo = Math.max(lo, 0x80); }
            else if (b >= 0xE0 && b <= 0xEF) { lo = (b & 0x0F) << 12; hi = lo | 0xFFF; continuation = 2; lo = Math.max(lo, 0x800); }
            else if (b >= 0xF0 && b <= 0xF4) { lo = (b & 0x07) << 18; hi = Math.min(lo | 0x3FFFF, MAX_CODE_POINT); continuation = 3; lo = Math.max(lo, 0x10000); }
            else { table[state * 256 + b] = FAIL; continue; }
            // the lead byte fixes the high bits; base is the first code point with those bits
            int base = continuation == 0 ? b : (b & (0x7F >> (continuation + 1))) << (6 * continuation);
            int[] part = intersect(ranges, lo, hi);
            int next;
            if (part.length == 0) next = FAIL;
            else if (continuation == 0) next = DONE;
            else next = continuationState(part, continuation, base);
            table[state * 256 + b] = next;
        }
        return state;
    }

    /** The state after a prefix whose code points start at {@code base}; {@code remaining} bytes to go. */
    private int continuationState(int[] part, int remaining, int base) {
        int[] relative = part.clone();
        for (int i = 0; i < relative.length; i++) relative[i] -= base;
        String key = remaining + ":" + Arrays.toString(relative);
        Integer known = continuationStates.get(key);
        if (known != null) return known;
        int state = newState();
        continuationStates.put(key, state);
        int span = 1 << (6 * (remaining - 1));
        for (int b = 0; b < 256; b++) {
            int next = FAIL;
            if (b >= 0x80 && b <= 0xBF) {
                int lo = base + (b - 0x80) * span;
                int[] sub = intersect(part, lo, lo + span - 1);
                if (sub.length > 0) next = remaining == 1 ? DONE : continuationState(sub, remaining - 1, lo);
            }
            table[state * 256 + b] = next;
        }
        return state;
    }

    private int newState() {
        if ((states + 1) * 256 > table.length) table = Arrays.copyOf(table, table.length * 2);
        return states++;
    }

    int[] table() {
        return Arrays.copyOf(table, states * 256);
    }

    private static int[] intersect(int[] ranges, int lo, int hi) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < ranges.length; i += 2) {
            int a = Math.max(ranges[i], lo), b = Math.min(ranges[i + 1], hi);
            if (a <= b) { out.add(a); out.add(b); }
        }
        int[] r = new int[out.size()];
        for (int i = 0; i < r.length; i++) r[i] = out.get(i);
        return r;
    }

    /**
     * Sorted, merged, surrogate-free ranges of the given [lo, hi] pairs, complemented over all Unicode
     * scalar values when {@code negated}.
     */
    static int[] normalize(List<int[]> pairs, boolean negated) {
        List<int[]> sorted = new ArrayList<>(pairs);
        sorted.sort((x, y) -> Integer.compare(x[0], y[0]));
        List<int[]> merged = new ArrayList<>();
        for (int[] p : sorted) {
            if (!merged.isEmpty() && p[0] <= merged.getLast()[1] + 1) {
                merged.getLast()[1] = Math.max(merged.getLast()[1], p[1]);
            } else {
                merged.add(new int[]{p[0], p[1]});
            }
        }
        if (negated) {
            List<int[]> complement = new ArrayList<>();
            int next = 0;
            for (int[] p : merged) {
                if (p[0] > next) complement.add(new int[]{next, p[0] - 1});
                next = Math.max(next, p[1] + 1);
            }
            if (next <= MAX_CODE_POINT) complement.add(new int[]{next, MAX_CODE_POINT});
            merged = complement;
        }
        List<Integer> out = new ArrayList<>();
        for (int[] p : merged) { // cut out the surrogates: they have no UTF-8 form
            if (p[0] < 0xD800) { out.add(p[0]); out.add(Math.min(p[1], 0xD7FF)); }
            if (p[1] > 0xDFFF) { out.add(Math.max(p[0], 0xE000)); out.add(p[1]); }
        }
        int[] r = new int[out.size()];
        for (int i = 0; i < r.length; i++) r[i] = out.get(i);
        return r;
    }
}
