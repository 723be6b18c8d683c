package dev.cria.grammar;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A context-free grammar over bytes, parsed from GBNF (llama.cpp's grammar format,
 * grammars/README.md in llama.cpp: rules {@code name ::= ...}, literals, character classes,
 * {@code ( )}, {@code | * + ? {m,n}}, comments), with {@code root} as the start rule.
 * Immutable; compile it against a vocabulary with {@link TokenGrammar#compile}.
 *
 * <p>Inside, the grammar is a flat program, like llama.cpp's rule arrays: each alternative of each
 * rule is a run of elements ending in {@link #END}; an element is a byte ({@link #BYTE}), a
 * character class compiled to a UTF-8 byte DFA ({@link #CLASS}, see {@link Utf8Classes}) or a rule
 * reference ({@link #REF}). Position 0 is {@code REF root}, position 1 its {@code END}: the start.
 *
 * <p>Limits, each refused with a {@link GrammarException}: repetition counts above
 * {@value GbnfParser#MAX_REPETITION}, programs above {@value GbnfParser#MAX_ELEMENTS} elements after
 * expansion, and left recursion (a rule that can reach itself again before consuming a byte, not in
 * tail position: {@code expr ::= expr "+" term}), which a pushdown runtime could only follow by
 * growing its stack forever; write it as repetition, {@code expr ::= term ("+" term)*}.
 */
public final class Grammar {
    static final int END = 0;
    static final int BYTE = 1;
    static final int CLASS = 2;
    static final int REF = 3;

    /** Element kind and argument (byte value, DFA start state, rule id) per program position. */
    final int[] kind;
    final int[] arg;
    /** Rule r's alternatives start at positions altPos[ruleAlt[r] .. ruleAlt[r + 1]). */
    final int[] ruleAlt;
    final int[] altPos;
    /** {@link Utf8Classes}'s table: state * 256 + byte → next state, FAIL or DONE. */
    final int[] dfa;
    final String[] ruleNames;
    /** The GBNF text: two grammars of the same text are the same grammar (the compiled-grammar cache's key). */
    final String source;

    private Grammar(int[] kind, int[] arg, int[] ruleAlt, int[] altPos, int[] dfa, String[] ruleNames, String source) {
        this.source = source;
        this.kind = kind;
        this.arg = arg;
        this.ruleAlt = ruleAlt;
        this.altPos = altPos;
        this.dfa = dfa;
        this.ruleNames = ruleNames;
    }

    /**
     * Parses GBNF text.
     *
     * @throws GrammarException naming the line and column of the first error, an undefined rule,
     *                          or a missing {@code root}
     */
    public static Grammar parse(String gbnf) {
        return GbnfParser.parse(gbnf);
    }

    /** True when the grammar derives exactly these bytes from {@code root} (for tests and validation). */
    public boolean matches(byte[] text) {
        ByteAutomaton automaton = new ByteAutomaton(this);
        int[] tops = automaton.start();
        boolean complete = automaton.complete;
        for (byte b : text) {
            if (tops.length == 0) return false;
            tops = automaton.step(tops, b & 0xFF);
            complete = automaton.complete;
        }
        return complete;
    }

    /** The number of program positions (for sizing and tests). */
    int size() {
        return kind.length;
    }

    static Grammar link(String source, List<String> names, List<Integer> origin, List<List<long[]>> bodies, int root, int[] dfa) {
        int rules = names.size();
        int positions = 2;
        int alternatives = 0;
        for (List<long[]> alts : bodies) {
            alternatives += alts.size();
            for (long[] seq : alts) positions += seq.length + 1;
        }
        int[] kind = new int[positions];
        int[] arg = new int[positions];
        int[] ruleAlt = new int[rules + 1];
        int[] altPos = new int[alternatives];
        kind[0] = REF;
        arg[0] = root;
        kind[1] = END;
        int p = 2, a = 0;
        for (int r = 0; r < rules; r++) {
            ruleAlt[r] = a;
            for (long[] seq : bodies.get(r)) {
                altPos[a++] = p;
                for (long e : seq) {
                    kind[p] = (int) (e >>> 32);
                    arg[p] = (int) e;
                    p++;
                }
                kind[p++] = END;
            }
        }
        ruleAlt[rules] = a;
        Grammar g = new Grammar(kind, arg, ruleAlt, altPos, dfa, names.toArray(new String[0]), source);
        g.refuseLeftRecursion(origin);
        return g;
    }

    /**
     * Finds the rules that can re-enter themselves before consuming a byte with a return position
     * pushed on the way (Tarjan's strongly connected components over "may start with" edges,
     * iterative so that long generated chains do not overflow the Java stack). A cycle made only of
     * tail calls ({@code star ::= x star | } with a nullable x) is harmless: the runtime's interned
     * stacks meet the same node again and stop.
     */
    private void refuseLeftRecursion(List<Integer> origin) {
        int rules = ruleNames.length;
        boolean[] nullable = new boolean[rules];
        for (boolean changed = true; changed; ) {
            changed = false;
            for (int r = 0; r < rules; r++) {
                if (nullable[r]) continue;
                for (int a = ruleAlt[r]; a < ruleAlt[r + 1] && !nullable[r]; a++) {
                    int q = altPos[a];
                    while (kind[q] == REF && nullable[arg[q]]) q++;
                    if (kind[q] == END) { nullable[r] = true; changed = true; }
                }
            }
        }
        // edges: rule → rule it may start with; pushes: whether that call leaves a return position
        List<int[]> edges = new ArrayList<>();
        int[] edgeStart = new int[rules + 1];
        for (int r = 0; r < rules; r++) {
            edgeStart[r] = edges.size();
            for (int a = ruleAlt[r]; a < ruleAlt[r + 1]; a++) {
                for (int q = altPos[a]; kind[q] == REF; q++) {
                    edges.add(new int[]{arg[q], kind[q + 1] == END ? 0 : 1});
                    if (!nullable[arg[q]]) break;
                }
            }
        }
        edgeStart[rules] = edges.size();
        int[] index = new int[rules], low = new int[rules], comp = new int[rules];
        Arrays.fill(index, -1);
        boolean[] onStack = new boolean[rules];
        int[] sccStack = new int[rules];
        int sccTop = 0, counter = 0, comps = 0;
        int[] callRule = new int[rules], callEdge = new int[rules];
        for (int s = 0; s < rules; s++) {
            if (index[s] != -1) continue;
            int depth = 0;
            callRule[0] = s;
            callEdge[0] = edgeStart[s];
            index[s] = low[s] = counter++;
            sccStack[sccTop++] = s;
            onStack[s] = true;
            while (depth >= 0) {
                int v = callRule[depth];
                if (callEdge[depth] < edgeStart[v + 1]) {
                    int w = edges.get(callEdge[depth]++)[0];
                    if (index[w] == -1) {
                        index[w] = low[w] = counter++;
                        sccStack[sccTop++] = w;
                        onStack[w] = true;
                        depth++;
                        callRule[depth] = w;
                        callEdge[depth] = edgeStart[w];
                    } else if (onStack[w]) {
                        low[v] = Math.min(low[v], index[w]);
                    }
                } else {
                    if (low[v] == index[v]) {
                        int w;
                        do {
                            w = sccStack[--sccTop];
                            onStack[w] = false;
                            comp[w] = comps;
                        } while (w != v);
                        comps++;
                    }
                    depth--;
                    if (depth >= 0) low[callRule[depth]] = Math.min(low[callRule[depth]], low[v]);
                }
            }
        }
        for (int r = 0; r < rules; r++) {
            for (int e = edgeStart[r]; e < edgeStart[r + 1]; e++) {
                int[] edge = edges.get(e);
                if (edge[1] == 1 && comp[edge[0]] == comp[r]) {
                    String user = ruleNames[origin.get(r)];
                    String target = ruleNames[origin.get(edge[0])];
                    throw new GrammarException("grammar: rule '" + user + "' is left-recursive (it can reach '" + target
                            + "' again before reading a character); write it with repetition, e.g. a ::= b (\"+\" b)*");
                }
            }
        }
    }
}
