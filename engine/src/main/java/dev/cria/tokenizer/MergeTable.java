package dev.cria.tokenizer;

import java.util.Arrays;

/**
 * BPE merges by token-id pair: (left, right) → (rank, merged id), in an open-addressing table
 * of primitive longs so the merge loop never boxes or hashes strings.
 */
final class MergeTable {
    private static final long EMPTY = -1L;
    private final long[] keys;
    private final long[] values;
    private final int mask;

    MergeTable(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new long[cap];
        mask = cap - 1;
        Arrays.fill(keys, EMPTY);
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static int slot(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29));
    }

    /** Adds a merge; a pair already present keeps its first (lowest) rank, as HF and llama.cpp do. */
    void put(int left, int right, int rank, int merged) {
        long k = key(left, right);
        int i = slot(k) & mask;
        while (keys[i] != EMPTY) {
            if (keys[i] == k) return;
            i = (i + 1) & mask;
        }
        keys[i] = k;
        values[i] = ((long) rank << 32) | (merged & 0xFFFFFFFFL);
    }

    /** {@code rank << 32 | merged id}, or -1 when the pair never merges. */
    long get(int left, int right) {
        long k = key(left, right);
        int i = slot(k) & mask;
        while (true) {
            long kk = keys[i];
            if (kk == k) return values[i];
            if (kk == EMPTY) return -1L;
            i = (i + 1) & mask;
        }
    }
}
