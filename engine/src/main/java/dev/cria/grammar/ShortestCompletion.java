package dev.cria.grammar;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The fewest bytes that finish a parse: what {@link GrammarState#shortestCompletion} answers, so the
 * engine can close a value that max_tokens would otherwise cut. Lengths come from a fixpoint over the
 * grammar (a rule's shortest derivation is its shortest alternative; recursive rules settle in at
 * most as many rounds as there are rules), each character class's shortest character from a
 * breadth-first walk of its UTF-8 DFA; a stack's completion is its top element's rest, the rest of
 * that alternative, then each parent's, down to the bottom.
 */
final class ShortestCompletion {
    private static final long NEVER = Long.MAX_VALUE / 4;

    private final int[] kind, arg, ruleAlt, altPos, dfa;
    /** Bytes from a position to the end of its alternative, that position included. */
    private final long[] fromPos;
    private final long[] ruleMin;
    private final Map<Integer, byte[]> charFrom = new HashMap<>();

    ShortestCompletion(Grammar g) {
        this.kind = g.kind;
        this.arg = g.arg;
        this.ruleAlt = g.ruleAlt;
        this.altPos = g.altPos;
        this.dfa = g.dfa;
        int rules = ruleAlt.length - 1;
        fromPos = new long[kind.length];
        ruleMin = new long[rules];
        Arrays.fill(ruleMin, NEVER);
        for (int round = 0; round <= rules + 1; round++) {
            for (int p = kind.length - 1; p >= 0; p--) {
                fromPos[p] = kind[p] == Grammar.END ? 0 : add(element(p, kind[p] == Grammar.CLASS ? arg[p] : 0), next(p));
            }
            boolean changed = false;
            for (int r = 0; r < rules; r++) {
                long best = NEVER;
                for (int a = ruleAlt[r]; a < ruleAlt[r + 1]; a++) best = Math.min(best, fromPos[altPos[a]]);
                if (best < ruleMin[r]) {
                    ruleMin[r] = best;
                    changed = true;
                }
            }
            if (!changed) break;
        }
    }

    /** The shortest completion over the stacks of the interned set {@code set}; empty when it is complete. */
    byte[] of(ByteAutomaton a, int set) {
        if (a.setComplete(set)) return new byte[0];
        int best = -1;
        long bestLength = NEVER;
        for (int i = 0, n = a.setSize(set); i < n; i++) {
            int top = a.setTop(set, i);
            long length = stackLength(a, top);
            if (length < bestLength) {
                bestLength = length;
                best = top;
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (best < 0) return out.toByteArray(); // no stack can finish: nothing to offer
        for (int node = best; node >= 0; node = a.parent(node)) {
            int p = a.pos(node);
            writeElement(p, a.sub(node), out);
            writeFrom(p + 1, out);
        }
        return out.toByteArray();
    }

    private long stackLength(ByteAutomaton a, int node) {
        long total = 0;
        for (; node >= 0; node = a.parent(node)) {
            int p = a.pos(node);
            total = add(total, add(element(p, a.sub(node)), next(p)));
        }
        return node == ByteAutomaton.BOTTOM ? total : NEVER;
    }

    private long next(int p) {
        return p + 1 < fromPos.length ? fromPos[p + 1] : 0;
    }

    /** Bytes to finish the element at {@code p}, whose DFA state is {@code sub} when it is a class. */
    private long element(int p, int sub) {
        return switch (kind[p]) {
            case Grammar.BYTE -> 1;
            case Grammar.CLASS -> {
                byte[] c = shortestChar(sub);
                yield c == null ? NEVER : c.length;
            }
            case Grammar.REF -> ruleMin[arg[p]];
            default -> 0;
        };
    }

    private void writeElement(int p, int sub, ByteArrayOutputStream out) {
        switch (kind[p]) {
            case Grammar.BYTE -> out.write(arg[p]);
            case Grammar.CLASS -> out.writeBytes(shortestChar(sub));
            case Grammar.REF -> writeRule(arg[p], out);
            default -> { }
        }
    }

    private void writeFrom(int p, ByteArrayOutputStream out) {
        for (; p < kind.length && kind[p] != Grammar.END; p++) {
            writeElement(p, kind[p] == Grammar.CLASS ? arg[p] : 0, out);
        }
    }

    private void writeRule(int r, ByteArrayOutputStream out) {
        int best = ruleAlt[r];
        for (int a = ruleAlt[r]; a < ruleAlt[r + 1]; a++) {
            if (fromPos[altPos[a]] < fromPos[altPos[best]]) best = a;
        }
        writeFrom(altPos[best], out);
    }

    /** The shortest bytes that take the UTF-8 DFA from {@code state} to a complete character; null if none. */
    private byte[] shortestChar(int state) {
        return charFrom.computeIfAbsent(state, this::searchChar);
    }

    private byte[] searchChar(int start) {
        Map<Integer, byte[]> seen = new HashMap<>();
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        seen.put(start, new byte[0]);
        queue.add(start);
        while (!queue.isEmpty()) {
            int s = queue.poll();
            byte[] path = seen.get(s);
            for (int b = 0; b < 256; b++) {
                int next = dfa[(s << 8) | b];
                if (next == Utf8Classes.FAIL) continue;
                byte[] longer = Arrays.copyOf(path, path.length + 1);
                longer[path.length] = (byte) b;
                if (next == Utf8Classes.DONE) return longer;
                if (seen.putIfAbsent(next, longer) == null) queue.add(next);
            }
        }
        return null;
    }

    private static long add(long a, long b) {
        return Math.min(NEVER, a + b);
    }
}
