package dev.cria.grammar;

import java.util.Arrays;

/**
 * The byte-level pushdown automaton that runs a {@link Grammar}, in llama.cpp's style
 * (llama-grammar.cpp: a set of stacks of grammar positions, advanced per character and expanded
 * until every stack's top is a terminal): chosen over an Earley parser because its step is a few
 * array reads per live stack, its state is a small set that can key a mask cache, and GBNF grammars
 * from JSON schemas are nearly deterministic, so the set stays a handful of stacks.
 *
 * <p>Stacks are persistent linked lists of interned <em>nodes</em> (position, DFA state, parent):
 * equal stacks are the same node id, so a set of stacks is a set of ints, deduplicated in O(1) by a
 * per-step stamp. That is what keeps ambiguous grammars safe: {@code ("a" | "a")*} has two tops after
 * the expansion, and both advance to the same interned node, so the set never doubles. A node means
 * "continue at this position, then return to the parent"; a parent of {@link #BOTTOM} means the
 * stack is the root's (reaching it: the text is complete), {@link #CONTEXT} means "the rest of the
 * stack is unknown" (used by the mask cache to find which tokens depend on the stack below).
 *
 * <p>Sets of tops are interned too ({@link #stepSet}): a step from a set met before is one lookup
 * in a memo of transitions, so the automaton becomes, lazily, a DFA over the sets actually met.
 *
 * <p>Not thread-safe; the node pool only grows (its size is the distinct stacks met), and is
 * bounded: more than {@value #MAX_STACKS} live stacks or {@value #MAX_NODES} nodes throw a
 * {@link GrammarException} rather than use unbounded memory.
 */
final class ByteAutomaton {
    static final int BOTTOM = -1;
    static final int CONTEXT = -2;
    static final int MAX_STACKS = 16_384;
    static final int MAX_NODES = 1 << 22;

    private final int[] kind, arg, ruleAlt, altPos, dfa;

    private int[] nodePos = new int[1024], nodeSub = new int[1024], nodeParent = new int[1024], nodeStamp = new int[1024];
    private int nodes;
    private int[] table = new int[2048]; // open addressing, node id + 1, 0 = empty
    private int stamp;

    private int[] work = new int[256];
    private int workTop;

    /** Scratch sets for callers: step results are written here. */
    int[] buf = new int[1024];
    private int emitAt, emitted;

    /** After a step or start: some stack emptied completely (the text so far is a sentence). */
    boolean complete;
    /** After a step: some stack popped into {@link #CONTEXT}. */
    boolean context;

    ByteAutomaton(Grammar g) {
        this.kind = g.kind;
        this.arg = g.arg;
        this.ruleAlt = g.ruleAlt;
        this.altPos = g.altPos;
        this.dfa = g.dfa;
    }

    int pos(int node) {
        return nodePos[node];
    }

    int sub(int node) {
        return nodeSub[node];
    }

    int parent(int node) {
        return nodeParent[node];
    }

    /** The interned node (pos, sub, parent). */
    int node(int pos, int sub, int parent) {
        int h = hash(pos, sub, parent) & (table.length - 1);
        while (true) {
            int id = table[h] - 1;
            if (id < 0) break;
            if (nodePos[id] == pos && nodeSub[id] == sub && nodeParent[id] == parent) return id;
            h = (h + 1) & (table.length - 1);
        }
        if (nodes == nodePos.length) {
            if (nodes >= MAX_NODES) throw new GrammarException("grammar: more than " + MAX_NODES + " parse stack nodes; the grammar is too ambiguous or too deep");
            int n = nodes * 2;
            nodePos = Arrays.copyOf(nodePos, n);
            nodeSub = Arrays.copyOf(nodeSub, n);
            nodeParent = Arrays.copyOf(nodeParent, n);
            nodeStamp = Arrays.copyOf(nodeStamp, n);
        }
        int id = nodes++;
        nodePos[id] = pos;
        nodeSub[id] = sub;
        nodeParent[id] = parent;
        nodeStamp[id] = 0;
        table[h] = id + 1;
        if (nodes * 2 > table.length) rehash();
        return id;
    }

    private static int hash(int pos, int sub, int parent) {
        int h = pos * 0x9E3779B1 + sub * 0x85EBCA77 + parent * 0xC2B2AE3D;
        return h ^ (h >>> 15);
    }

    private void rehash() {
        int[] t = new int[table.length * 2];
        for (int id = 0; id < nodes; id++) {
            int h = hash(nodePos[id], nodeSub[id], nodeParent[id]) & (t.length - 1);
            while (t[h] != 0) h = (h + 1) & (t.length - 1);
            t[h] = id + 1;
        }
        table = t;
    }

    /** The node that continues at {@code pos} then returns to {@code parent}; a finished alternative is its parent. */
    private int continueAt(int pos, int parent) {
        int k = kind[pos];
        if (k == Grammar.END && parent >= 0) return parent;
        return node(pos, k == Grammar.CLASS ? arg[pos] : 0, parent);
    }

    /** The tops of the stacks at the start of {@code root} (in a new array); sets {@link #complete}. */
    int[] start() {
        beginStep();
        push(node(0, 0, BOTTOM));
        int n = finishStep(0);
        return Arrays.copyOf(buf, n);
    }

    /** The tops after {@code b} from {@code tops} (in a new array); sets {@link #complete}. */
    int[] step(int[] tops, int b) {
        int n = stepFrom(tops, 0, tops.length, b, 0);
        return Arrays.copyOf(buf, n);
    }

    /**
     * Advances the set {@code src[from .. from + count)} by byte {@code b}, writes the new tops into
     * {@link #buf} from {@code dstOff} and returns their count; {@code src} may be {@link #buf}
     * itself if the ranges do not overlap. Sets {@link #complete} and {@link #context}.
     */
    int stepFrom(int[] src, int from, int count, int b, int dstOff) {
        beginStep();
        for (int i = from, end = from + count; i < end; i++) {
            int top = src[i];
            int p = nodePos[top];
            if (kind[p] == Grammar.BYTE) {
                if (arg[p] == b) push(continueAt(p + 1, nodeParent[top]));
            } else { // CLASS: follow the UTF-8 DFA
                int next = dfa[(nodeSub[top] << 8) | b];
                if (next == Utf8Classes.DONE) push(continueAt(p + 1, nodeParent[top]));
                else if (next >= 0) push(node(p, next, nodeParent[top]));
            }
        }
        return finishStep(dstOff);
    }

    // ---- stack sets as interned ids, and memoized transitions (a lazily built DFA over sets) ----
    //
    // A configuration is a set of tops plus two flags (complete, context). Interning them makes a
    // step from a configuration already met one hash lookup: inside a JSON string every character
    // leads back to the same set, so the trie walks of the mask cache and of the uncertain subtrees
    // mostly read the memo instead of expanding stacks.

    static final int FLAG_COMPLETE = 1;
    static final int FLAG_CONTEXT = 2;
    /** Memoized transitions kept before the memo is cleared (sets stay: ids are held by callers). */
    static final int MAX_TRANSITIONS = 1 << 20;

    private int[] setData = new int[1024];
    private int setDataEnd;
    private int[] setStart = new int[256], setLen = new int[256], setFlags = new int[256];
    private int sets;
    private int[] setTable = new int[512]; // set id + 1
    private long[] transKey = new long[1024]; // (set << 8 | byte) + 1, 0 = empty
    private int[] transValue = new int[1024];
    private int transitions;

    int setSize(int set) {
        return setLen[set];
    }

    int setTop(int set, int i) {
        return setData[setStart[set] + i];
    }

    boolean setComplete(int set) {
        return (setFlags[set] & FLAG_COMPLETE) != 0;
    }

    boolean setContext(int set) {
        return (setFlags[set] & FLAG_CONTEXT) != 0;
    }

    /** The set at the start of {@code root}. */
    int startSet() {
        beginStep();
        push(node(0, 0, BOTTOM));
        int n = finishStep(0);
        return internResult(n);
    }

    /** The set {@code {top}} with no flags (a single stack, for walks from one top). */
    int singleSet(int top) {
        buf[0] = top;
        return internSet(buf, 0, 1, 0);
    }

    /** The set with no stacks that is complete: after an end id, nothing may follow. */
    int emptyCompleteSet() {
        return internSet(buf, 0, 0, FLAG_COMPLETE);
    }

    /** The set after byte {@code b}: memoized. */
    int stepSet(int set, int b) {
        long key = (((long) set << 8) | b) + 1;
        int mask = transKey.length - 1;
        int h = (int) (key * 0x9E3779B97F4A7C15L >>> 40) & mask;
        while (transKey[h] != 0) {
            if (transKey[h] == key) return transValue[h];
            h = (h + 1) & mask;
        }
        int n = stepFrom(setData, setStart[set], setLen[set], b, 0);
        int result = internResult(n);
        if (transitions >= MAX_TRANSITIONS) {
            Arrays.fill(transKey, 0L);
            transitions = 0;
        }
        if ((transitions + 1) * 2 > transKey.length) growTransitions();
        mask = transKey.length - 1;
        h = (int) (key * 0x9E3779B97F4A7C15L >>> 40) & mask;
        while (transKey[h] != 0) h = (h + 1) & mask;
        transKey[h] = key;
        transValue[h] = result;
        transitions++;
        return result;
    }

    private void growTransitions() {
        long[] keys = new long[transKey.length * 2];
        int[] values = new int[keys.length];
        int mask = keys.length - 1;
        for (int i = 0; i < transKey.length; i++) {
            long k = transKey[i];
            if (k == 0) continue;
            int h = (int) (k * 0x9E3779B97F4A7C15L >>> 40) & mask;
            while (keys[h] != 0) h = (h + 1) & mask;
            keys[h] = k;
            values[h] = transValue[i];
        }
        transKey = keys;
        transValue = values;
    }

    /** Interns the step result in buf[0 .. n) with this step's flags (tops sorted: one set, one id). */
    private int internResult(int n) {
        Arrays.sort(buf, 0, n);
        return internSet(buf, 0, n, (complete ? FLAG_COMPLETE : 0) | (context ? FLAG_CONTEXT : 0));
    }

    private static int setHash(int[] tops, int off, int n, int flags) {
        int hash = flags * 0x61C88647;
        for (int i = 0; i < n; i++) hash = (hash + tops[off + i]) * 0x9E3779B1;
        return hash ^ (hash >>> 16);
    }

    private int internSet(int[] tops, int off, int n, int flags) {
        int hash = setHash(tops, off, n, flags);
        int mask = setTable.length - 1;
        int h = hash & mask;
        while (setTable[h] != 0) {
            int id = setTable[h] - 1;
            if (setFlags[id] == flags && setLen[id] == n
                    && Arrays.equals(setData, setStart[id], setStart[id] + n, tops, off, off + n)) {
                return id;
            }
            h = (h + 1) & mask;
        }
        if (sets == setStart.length) {
            setStart = Arrays.copyOf(setStart, sets * 2);
            setLen = Arrays.copyOf(setLen, sets * 2);
            setFlags = Arrays.copyOf(setFlags, sets * 2);
        }
        if (setDataEnd + n > setData.length) {
            if ((long) setDataEnd + n > MAX_NODES) throw new GrammarException("grammar: more than " + MAX_NODES + " parse stacks met; the grammar is too ambiguous or too deep");
            setData = Arrays.copyOf(setData, Math.max(setData.length * 2, setDataEnd + n));
        }
        System.arraycopy(tops, off, setData, setDataEnd, n);
        int id = sets++;
        setStart[id] = setDataEnd;
        setLen[id] = n;
        setFlags[id] = flags;
        setDataEnd += n;
        setTable[h] = id + 1;
        if (sets * 2 > setTable.length) {
            int[] t = new int[setTable.length * 2];
            int m = t.length - 1;
            for (int id2 = 0; id2 < sets; id2++) {
                int q = setHash(setData, setStart[id2], setLen[id2], setFlags[id2]) & m;
                while (t[q] != 0) q = (q + 1) & m;
                t[q] = id2 + 1;
            }
            setTable = t;
        }
        return id;
    }

    private void beginStep() {
        if (++stamp == Integer.MAX_VALUE) {
            Arrays.fill(nodeStamp, 0);
            stamp = 1;
        }
        complete = false;
        context = false;
        workTop = 0;
    }

    private void push(int node) {
        if (node < 0) { // a finished stack
            if (node == BOTTOM) complete = true; else context = true;
            return;
        }
        if (workTop == work.length) work = Arrays.copyOf(work, workTop * 2);
        work[workTop++] = node;
    }

    /** Expands the pushed nodes until every stack's top is a terminal; llama.cpp's advance_stack. */
    private int finishStep(int dstOff) {
        emitAt = dstOff;
        emitted = 0;
        while (workTop > 0) {
            int nd = work[--workTop];
            if (nodeStamp[nd] == stamp) continue;
            nodeStamp[nd] = stamp;
            int p = nodePos[nd];
            switch (kind[p]) {
                case Grammar.BYTE, Grammar.CLASS -> emit(nd);
                case Grammar.END -> push(nodeParent[nd]);
                default -> { // REF: enter each alternative, returning to p + 1 (or straight to the parent: a tail call)
                    int parent = nodeParent[nd];
                    int ret = kind[p + 1] == Grammar.END ? parent : node(p + 1, kind[p + 1] == Grammar.CLASS ? arg[p + 1] : 0, parent);
                    int r = arg[p];
                    for (int a = ruleAlt[r], end = ruleAlt[r + 1]; a < end; a++) push(continueAt(altPos[a], ret));
                }
            }
        }
        return emitted;
    }

    private void emit(int node) {
        if (emitted == MAX_STACKS) {
            throw new GrammarException("grammar: more than " + MAX_STACKS + " parse stacks at once; the grammar is too ambiguous");
        }
        int i = emitAt + emitted;
        if (i >= buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, i + 1));
        buf[i] = node;
        emitted++;
    }
}
