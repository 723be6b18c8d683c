package dev.cria.engine;

import dev.cria.kv.KvSequence;

import java.util.Arrays;

/**
 * The input of one forward pass: chunks of running sequences' known tokens with their positions and
 * KV, and which sequences get a row of logits. Built once and refilled every step, so building a step
 * allocates nothing. Engine loop only.
 */
final class Batch {
    final int[] tokens;
    final int[] positions;
    final KvSequence[] kv;
    final boolean[] wantsLogits;
    private final Sequence[] members;
    private final int[] chunkOf;
    private int size;
    private int memberCount;

    /** At most {@code budget} tokens from at most {@code parallel} sequences. */
    Batch(int budget, int parallel) {
        tokens = new int[budget];
        positions = new int[budget];
        kv = new KvSequence[budget];
        wantsLogits = new boolean[budget];
        members = new Sequence[parallel];
        chunkOf = new int[parallel];
    }

    /** Tokens in the batch. */
    int size() {
        return size;
    }

    /** Tokens that still fit. */
    int room() {
        return tokens.length - size;
    }

    /**
     * Adds the next {@code chunk} known tokens of running sequence {@code s} (their KV room reserved);
     * the last known token's position asks for logits.
     */
    void add(Sequence s, int chunk) {
        s.enterBatch();
        int from = s.computed();
        int lastKnown = s.length() - 1;
        KvSequence skv = s.kv();
        for (int t = 0; t < chunk; t++) {
            int pos = from + t;
            tokens[size] = s.token(pos);
            positions[size] = pos;
            kv[size] = skv;
            wantsLogits[size] = pos == lastKnown;
            size++;
        }
        members[memberCount] = s;
        chunkOf[memberCount] = chunk;
        memberCount++;
    }

    /** Sequences with tokens in the batch, in the order they were added. */
    int memberCount() {
        return memberCount;
    }

    Sequence member(int i) {
        return members[i];
    }

    /** How many tokens member {@code i} has in the batch. */
    int chunkOf(int i) {
        return chunkOf[i];
    }

    /** Empties the batch and drops its references to sequences and KV. */
    void clear() {
        Arrays.fill(kv, 0, size, null);
        Arrays.fill(members, 0, memberCount, null);
        size = 0;
        memberCount = 0;
    }
}
