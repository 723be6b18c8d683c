package dev.cria.kv;

import java.util.Arrays;

/**
 * One sequence's view of the {@link KvBlockPool}: its block table (position p lives in block
 * {@code blocks[p / blockSize]} at offset {@code p % blockSize}) and how many positions are filled.
 * Engine loop thread only.
 */
public final class KvSequence {
    private final KvBlockPool pool;
    private final int blockSize;
    private int[] blocks = new int[8];
    private long[] chainHashes = new long[8]; // chain hash of each full block, registered in the pool
    private int blockCount;
    private int registeredBlocks;
    private int length;
    private boolean released;

    public KvSequence(KvBlockPool pool) {
        this.pool = pool;
        this.blockSize = pool.blockSize();
    }

    public KvStore store() {
        return pool.store();
    }

    /** Positions whose keys and values are stored. */
    public int length() {
        return length;
    }

    /** The pool row holding position {@code pos}. */
    public int row(int pos) {
        return blocks[pos / blockSize] * blockSize + pos % blockSize;
    }

    /** The pool block holding positions {@code index * blockSize ..} (its rows are contiguous in the store). */
    public int block(int index) {
        return blocks[index];
    }

    /** Blocks this sequence holds. */
    public int blockCount() {
        return blockCount;
    }

    /** Blocks still to allocate so that positions below {@code tokens} have room. */
    public int blocksNeeded(int tokens) {
        return Math.max(0, (tokens + blockSize - 1) / blockSize - blockCount);
    }

    /** Allocates blocks so positions below {@code tokens} have room; false (and nothing changed) if the pool is short. */
    public boolean reserve(int tokens) {
        int need = blocksNeeded(tokens);
        if (need > pool.availableBlocks()) return false;
        for (int i = 0; i < need; i++) {
            int b = pool.allocate();
            if (b < 0) throw new IllegalStateException("KV pool ran out after reporting free blocks");
            push(b);
        }
        return true;
    }

    /**
     * Takes cached blocks for the longest prefix of {@code tokens[0 .. limit)} made of whole cached
     * blocks; returns the positions reused (a multiple of the block size). Call on an empty sequence.
     */
    public int reusePrefix(int[] tokens, int limit) {
        if (blockCount != 0) throw new IllegalStateException("prefix reuse on a non-empty sequence");
        long parent = 0;
        while ((blockCount + 1) * blockSize <= limit) {
            int b = pool.acquireCached(parent, tokens, blockCount * blockSize);
            if (b < 0) break;
            parent = KvBlockPool.chainHash(parent, tokens, blockCount * blockSize, (blockCount + 1) * blockSize);
            push(b);
            chainHashes[blockCount - 1] = parent;
            registeredBlocks = blockCount;
        }
        length = blockCount * blockSize;
        return length;
    }

    /** Records that positions below {@code n} are filled, and makes newly full blocks reusable by later prompts. */
    public void filled(int n, int[] tokens) {
        length = Math.max(length, n);
        while (registeredBlocks < blockCount && (registeredBlocks + 1) * blockSize <= length) {
            long parent = registeredBlocks == 0 ? 0 : chainHashes[registeredBlocks - 1];
            chainHashes[registeredBlocks] = pool.register(blocks[registeredBlocks], parent, tokens, registeredBlocks * blockSize);
            registeredBlocks++;
        }
    }

    /** Returns every block to the pool (cached ones stay findable until evicted). Idempotent. */
    public void release() {
        if (released) return;
        released = true;
        for (int i = 0; i < blockCount; i++) pool.release(blocks[i]);
        blockCount = 0;
        registeredBlocks = 0;
        length = 0;
    }

    /** Gives all blocks back and starts empty again (a preempted sequence recomputes later). */
    public void reset() {
        release();
        released = false;
    }

    private void push(int b) {
        if (blockCount == blocks.length) {
            blocks = Arrays.copyOf(blocks, blockCount * 2);
            chainHashes = Arrays.copyOf(chainHashes, blockCount * 2);
        }
        blocks[blockCount++] = b;
    }
}
