package dev.cria.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds special-token texts in input, with the result of llama.cpp's
 * {@code tokenizer_st_partition}: tokens are taken longest text first (ties: lower id), and each
 * one claims its leftmost occurrences that do not overlap text already claimed by a longer one.
 * Candidates are found in one pass with a trie, so text without special tokens costs one scan.
 */
final class SpecialTokenPartition {
    private static final int[] NONE = new int[0];

    private static final class Node {
        final Map<Character, Node> next = new HashMap<>(4);
        int id = -1;
    }

    private final String[] tokens;
    private final Node root = new Node();
    /** Rank of each token id in the longest-first order. */
    private final Map<Integer, Integer> order = new HashMap<>();
    private final boolean[] firstChar = new boolean[0x10000];
    private final boolean empty;

    SpecialTokenPartition(String[] tokens, List<Integer> ids) {
        this.tokens = tokens;
        this.empty = ids.isEmpty();
        List<Integer> sorted = new ArrayList<>(ids);
        sorted.sort(Comparator.<Integer>comparingInt(id -> -tokens[id].length()).thenComparingInt(id -> id));
        for (int r = 0; r < sorted.size(); r++) {
            int id = sorted.get(r);
            String t = tokens[id];
            Node node = root;
            for (int i = 0; i < t.length(); i++) node = node.next.computeIfAbsent(t.charAt(i), c -> new Node());
            if (node.id < 0) {           // the same text twice: the first in the order wins
                node.id = id;
                order.put(id, r);
            }
            firstChar[t.charAt(0)] = true;
        }
    }

    /** The claimed occurrences as {@code [start, id, start, id, …]} in text order. */
    int[] find(String text) {
        if (empty) return NONE;
        List<int[]> occ = null; // {start, id, rank}
        for (int p = 0; p < text.length(); p++) {
            if (!firstChar[text.charAt(p)]) continue;
            Node node = root;
            for (int i = p; i < text.length(); i++) {
                node = node.next.get(text.charAt(i));
                if (node == null) break;
                if (node.id >= 0) {
                    if (occ == null) occ = new ArrayList<>();
                    occ.add(new int[]{p, node.id, order.get(node.id)});
                }
            }
        }
        if (occ == null) return NONE;
        occ.sort(Comparator.<int[]>comparingInt(o -> o[2]).thenComparingInt(o -> o[0]));
        boolean[] claimed = new boolean[text.length()];
        List<int[]> taken = new ArrayList<>();
        for (int[] o : occ) {
            int len = tokens[o[1]].length();
            boolean free = true;
            for (int i = o[0]; i < o[0] + len && free; i++) free = !claimed[i];
            if (!free) continue;
            Arrays.fill(claimed, o[0], o[0] + len, true);
            taken.add(o);
        }
        taken.sort(Comparator.comparingInt(o -> o[0]));
        int[] out = new int[taken.size() * 2];
        for (int k = 0; k < taken.size(); k++) {
            out[2 * k] = taken.get(k)[0];
            out[2 * k + 1] = taken.get(k)[1];
        }
        return out;
    }
}
