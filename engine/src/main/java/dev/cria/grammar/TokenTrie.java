package dev.cria.grammar;

import java.util.Arrays;

/**
 * The ordinary tokens of a vocabulary (not special, not end ids, not empty) in a byte trie, laid
 * out in preorder: node i has a byte label, a depth (1 for a first byte) and the index just past its
 * subtree, so a walk is one forward loop that jumps over a whole subtree when the automaton dies
 * on a prefix, and walks every shared prefix once (llama.cpp instead advances every candidate
 * token separately). Tokens ending at node i are {@code tokens[tokenFirst[i] .. tokenFirst[i + 1])}.
 */
final class TokenTrie {
    final byte[] label;
    final int[] depth;
    final int[] subtreeEnd;
    final int[] tokenFirst;
    final int[] tokens;
    /** The node one byte up (-1 at depth 1): a subtree's prefix is read up this chain. */
    final int[] parent;
    final int nodes;
    final int maxDepth;

    private TokenTrie(byte[] label, int[] depth, int[] subtreeEnd, int[] tokenFirst, int[] tokens, int[] parent, int nodes, int maxDepth) {
        this.parent = parent;
        this.label = label;
        this.depth = depth;
        this.subtreeEnd = subtreeEnd;
        this.tokenFirst = tokenFirst;
        this.tokens = tokens;
        this.nodes = nodes;
        this.maxDepth = maxDepth;
    }

    /**
     * The ids of the ordinary tokens in unsigned byte order (a prefix before its extensions, equal
     * bytes by id). A primitive sort on (first 5 bytes, id) packed in a long, then the rare runs
     * sharing 5 bytes sorted by their whole bytes: no boxing of 128k ids.
     */
    private static int[] sortedByBytes(byte[][] bytes, boolean[] skip, int count) {
        long[] keys = new long[count];
        int k = 0;
        for (int id = 0; id < bytes.length; id++) {
            byte[] b = bytes[id];
            if (skip[id] || b == null || b.length == 0) continue;
            long prefix = 0;
            for (int i = 0; i < 5; i++) prefix = (prefix << 8) | (i < b.length ? b[i] & 0xFF : 0);
            keys[k++] = (prefix << 23) | id;
        }
        Arrays.sort(keys);
        int[] order = new int[count];
        for (int i = 0; i < count; i++) order[i] = (int) (keys[i] & ((1 << 23) - 1));
        for (int i = 0; i < count; ) {
            int j = i + 1;
            while (j < count && keys[j] >>> 23 == keys[i] >>> 23) j++;
            if (j - i > 1) {
                Integer[] run = new Integer[j - i];
                for (int r = 0; r < run.length; r++) run[r] = order[i + r];
                Arrays.sort(run, (x, y) -> {
                    int c = Arrays.compareUnsigned(bytes[x], bytes[y]);
                    return c != 0 ? c : Integer.compare(x, y);
                });
                for (int r = 0; r < run.length; r++) order[i + r] = run[r];
            }
            i = j;
        }
        return order;
    }

    /** The bytes on the way to node {@code i}, its own label excluded. */
    byte[] prefix(int i) {
        byte[] p = new byte[depth[i] - 1];
        for (int n = parent[i], k = p.length - 1; n >= 0; n = parent[n], k--) p[k] = label[n];
        return p;
    }

    static TokenTrie build(TokenVocabulary vocabulary) {
        byte[][] bytes = vocabulary.tokenBytes();
        boolean[] skip = vocabulary.special().clone();
        for (int id : vocabulary.endIds()) skip[id] = true;
        if (bytes.length > (1 << 23)) throw new IllegalArgumentException("vocabulary above 8M tokens");
        int count = 0;
        long totalBytes = 0;
        for (int id = 0; id < bytes.length; id++) {
            if (!skip[id] && bytes[id] != null && bytes[id].length > 0) {
                count++;
                totalBytes += bytes[id].length;
            }
        }
        int[] order = sortedByBytes(bytes, skip, count);
        int cap = (int) Math.min(Integer.MAX_VALUE - 8, totalBytes);
        byte[] label = new byte[cap];
        int[] depth = new int[cap];
        int[] subtreeEnd = new int[cap];
        int[] tokenFirst = new int[cap + 1];
        int[] parent = new int[cap];
        int[] tokens = new int[count];
        int maxDepth = 0;
        int[] path = new int[16];
        int pathLen = 0; // path[d] = the node at depth d + 1 on the current path
        int nodes = 0, attached = 0;
        byte[] previous = new byte[0];
        for (int id : order) {
            byte[] b = bytes[id];
            int mismatch = Arrays.mismatch(previous, b); // -1: the same bytes (a duplicate token)
            int common = mismatch == -1 ? b.length : mismatch;
            while (pathLen > common) subtreeEnd[path[--pathLen]] = nodes;
            for (int d = common; d < b.length; d++) {
                label[nodes] = b[d];
                depth[nodes] = d + 1;
                parent[nodes] = pathLen == 0 ? -1 : path[pathLen - 1];
                tokenFirst[nodes] = attached;
                if (pathLen == path.length) path = Arrays.copyOf(path, path.length * 2);
                path[pathLen++] = nodes;
                nodes++;
            }
            tokens[attached++] = id;
            maxDepth = Math.max(maxDepth, b.length);
            previous = b;
        }
        while (pathLen > 0) subtreeEnd[path[--pathLen]] = nodes;
        tokenFirst[nodes] = attached;
        return new TokenTrie(Arrays.copyOf(label, nodes), Arrays.copyOf(depth, nodes), Arrays.copyOf(subtreeEnd, nodes),
                Arrays.copyOf(tokenFirst, nodes + 1), tokens, Arrays.copyOf(parent, nodes), nodes, maxDepth);
    }
}
