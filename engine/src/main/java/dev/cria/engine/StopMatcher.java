package dev.cria.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Stop strings for one request (OpenAI {@code stop}), applied to the streamed text.
 *
 * <p>Semantics, independent of how the text is split into deltas: let T be all text accepted so
 * far; the output is T cut at the leftmost (earliest starting) occurrence of any stop string, which
 * is never emitted, nor anything after it. Text is emitted as soon as it is known to be final: the
 * longest suffix of T that is still a prefix of some stop string is held back, since it may become
 * one. {@link #stopped()} turns true as soon as the cut is certain, i.e. a stop string is complete and
 * no earlier-starting one can still complete (with stops "bc" and "abcd", after "abc" the matcher
 * waits for one more character before deciding between the cut at "a|bc" and at "|abcd").
 *
 * <p>Matching is an Aho–Corasick automaton over UTF-16 chars: every character is looked at once,
 * and at most (longest stop string − 1) characters are held, so long outputs cost linear time.
 * Not thread-safe: one instance per request, used by one thread at a time.
 */
public final class StopMatcher {
    private static final char[] NO_CHARS = new char[0];
    private static final int[] NO_INTS = new int[0];

    // Trie of the stop strings, node 0 the root; edges kept in small parallel arrays per node.
    private final char[][] edgeChars;
    private final int[][] edgeTargets;
    private final int[] fail;
    private final int[] depth;          // length of the string a node spells
    private final int[] longestMatch;   // longest stop string that is a suffix of the node's string, 0 if none
    private final boolean passThrough;

    private final StringBuilder held = new StringBuilder(); // accepted, not yet emitted; starts at index `emitted`
    private long emitted;
    private long position;        // chars fed through the automaton
    private int state;
    private long matchStart = -1; // earliest start of a complete stop string seen, -1 if none
    private boolean stopped;
    private boolean flushed;

    /** @param stopStrings the stop strings; null, empty lists and empty strings mean "no stop string" */
    public StopMatcher(List<String> stopStrings) {
        List<String> stops = new ArrayList<>();
        if (stopStrings != null) {
            for (String s : stopStrings) if (s != null && !s.isEmpty()) stops.add(s);
        }
        passThrough = stops.isEmpty();

        // 1. the trie
        List<char[]> chars = new ArrayList<>();
        List<int[]> targets = new ArrayList<>();
        List<Integer> depths = new ArrayList<>();
        List<Boolean> terminal = new ArrayList<>();
        chars.add(NO_CHARS);
        targets.add(NO_INTS);
        depths.add(0);
        terminal.add(false);
        for (String s : stops) {
            int node = 0;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                int next = find(chars.get(node), targets.get(node), c);
                if (next < 0) {
                    next = chars.size();
                    chars.add(NO_CHARS);
                    targets.add(NO_INTS);
                    depths.add(i + 1);
                    terminal.add(false);
                    char[] cs = Arrays.copyOf(chars.get(node), chars.get(node).length + 1);
                    int[] ts = Arrays.copyOf(targets.get(node), cs.length);
                    cs[cs.length - 1] = c;
                    ts[ts.length - 1] = next;
                    chars.set(node, cs);
                    targets.set(node, ts);
                }
                node = next;
            }
            terminal.set(node, true);
        }
        int n = chars.size();
        edgeChars = chars.toArray(new char[0][]);
        edgeTargets = targets.toArray(new int[0][]);
        depth = new int[n];
        for (int i = 0; i < n; i++) depth[i] = depths.get(i);

        // 2. failure links and the longest stop string ending at each node, breadth first
        fail = new int[n];
        longestMatch = new int[n];
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        queue.add(0);
        while (!queue.isEmpty()) {
            int u = queue.poll();
            longestMatch[u] = terminal.get(u) ? depth[u] : (u == 0 ? 0 : longestMatch[fail[u]]);
            for (int e = 0; e < edgeChars[u].length; e++) {
                int v = edgeTargets[u][e];
                fail[v] = u == 0 ? 0 : step(fail[u], edgeChars[u][e]);
                queue.add(v);
            }
        }
    }

    /**
     * Feeds the next piece of generated text.
     *
     * @return the text that is now safe to emit (possibly empty); nothing once {@link #stopped()}
     */
    public String accept(String delta) {
        if (flushed) throw new IllegalStateException("StopMatcher: accept after flush");
        if (stopped || delta == null || delta.isEmpty()) return "";
        if (passThrough) {
            emitted += delta.length();
            return delta;
        }
        held.append(delta);
        for (int i = 0; i < delta.length(); i++) {
            state = step(state, delta.charAt(i));
            position++;
            int len = longestMatch[state];
            if (len > 0) {
                long start = position - len;
                if (matchStart < 0 || start < matchStart) matchStart = start;
            }
            // the earliest start any stop string could still have is where the longest live prefix starts
            if (matchStart >= 0 && position - depth[state] >= matchStart) {
                stopped = true;
                break;
            }
        }
        long safeEnd = stopped ? matchStart : position - depth[state];
        String out = take(safeEnd);
        if (stopped) held.setLength(0);
        return out;
    }

    /** Whether a stop string ended the output; after that, {@link #accept} returns nothing. */
    public boolean stopped() {
        return stopped;
    }

    /**
     * Ends the stream (generation finished for another reason): returns the held-back text, cut at
     * a stop string that was complete but still waiting on a longer earlier-starting one (then
     * {@link #stopped()} becomes true). Further {@link #accept} calls are an error.
     */
    public String flush() {
        if (flushed) return "";
        flushed = true;
        if (stopped || passThrough) return "";
        String out;
        if (matchStart >= 0) {
            out = take(matchStart);
            stopped = true;
        } else {
            out = held.toString();
            emitted += held.length();
        }
        held.setLength(0);
        return out;
    }

    /** Removes and returns held text up to absolute index {@code end}. */
    private String take(long end) {
        int n = (int) (end - emitted);
        if (n <= 0) return "";
        String out = held.substring(0, n);
        held.delete(0, n);
        emitted = end;
        return out;
    }

    private int step(int s, char c) {
        while (true) {
            int next = find(edgeChars[s], edgeTargets[s], c);
            if (next >= 0) return next;
            if (s == 0) return 0;
            s = fail[s];
        }
    }

    private static int find(char[] chars, int[] targets, char c) {
        for (int i = 0; i < chars.length; i++) if (chars[i] == c) return targets[i];
        return -1;
    }
}
