package dev.cria.kv;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The KV memory of all sequences: a pool of fixed-size blocks (vLLM's PagedAttention layout), each
 * holding {@code blockSize} tokens' keys and values for every layer. Sequences own lists of blocks
 * ({@link KvSequence}), so one request alone may use the whole pool and nothing is split per slot.
 *
 * <p>Full blocks are content-addressed by the hash of all tokens up to their end (a chain hash),
 * so a new prompt that starts with a cached prefix reuses those blocks. A block whose last user
 * leaves stays cached (evictable, least recently used first) until its memory is needed.
 *
 * <p>Only the engine loop thread calls this class; counters it exposes may be read racily.
 */
public final class KvBlockPool {
    private final int layers;
    private final int kvDim;
    private final int blockSize;
    private final int blocks;
    private final KvStore store;

    private final int[] refCount;
    private final long[] hashOf;          // chain hash of a registered block, 0 = none
    private final long[] parentOf;        // chain hash of the block before it (verified on lookup)
    private final int[] tokensOf;         // the block's tokens (verified on lookup: a hash collision never reuses wrong KV)
    private final boolean[] registered;
    private final Map<Long, Integer> byHash = new HashMap<>();
    // Free blocks (never registered or evicted): a stack.
    private final int[] free;
    private int freeCount;
    // Cached blocks with no user, in least-recently-released order: a doubly linked list.
    private final int[] lruPrev;
    private final int[] lruNext;
    private int lruHead = -1;
    private int lruTail = -1;
    private int lruCount;

    public KvBlockPool(int layers, int kvDim, int headDim, int blockSize, int blocks, KvType type) {
        if (blocks < 1 || blockSize < 1) throw new IllegalArgumentException("KV pool needs at least one block");
        this.layers = layers;
        this.kvDim = kvDim;
        this.blockSize = blockSize;
        this.blocks = blocks;
        this.store = KvStore.create(type, layers, (long) blocks * blockSize, kvDim, headDim, blockSize);
        this.refCount = new int[blocks];
        this.hashOf = new long[blocks];
        this.parentOf = new long[blocks];
        this.tokensOf = new int[blocks * blockSize];
        this.registered = new boolean[blocks];
        this.free = new int[blocks];
        for (int b = blocks - 1; b >= 0; b--) free[freeCount++] = b;
        this.lruPrev = new int[blocks];
        this.lruNext = new int[blocks];
        Arrays.fill(lruPrev, -1);
        Arrays.fill(lruNext, -1);
    }

    /** Blocks for {@code tokens} tokens of {@code kvDim} floats per layer within {@code bytes} of memory. */
    public static int blocksFor(long bytes, int layers, int kvDim, int blockSize, KvType type) {
        long perBlock = 2L * layers * blockSize * type.bytesPerRow(kvDim);
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / perBlock));
    }

    public int blockSize() {
        return blockSize;
    }

    public int totalBlocks() {
        return blocks;
    }

    public int layers() {
        return layers;
    }

    public int kvDim() {
        return kvDim;
    }

    public KvStore store() {
        return store;
    }

    /** Blocks that can be handed out now: free ones plus cached ones nobody uses. */
    public int availableBlocks() {
        return freeCount + lruCount;
    }

    /** Blocks held by running sequences. */
    public int usedBlocks() {
        return blocks - freeCount - lruCount;
    }

    /** Cached (registered) blocks nobody uses right now. */
    public int cachedIdleBlocks() {
        return lruCount;
    }

    /** A block for exclusive use (reference count 1), evicting the least recently used cached block if needed; -1 if none. */
    int allocate() {
        int b;
        if (freeCount > 0) {
            b = free[--freeCount];
        } else if (lruHead >= 0) {
            b = lruHead;
            lruRemove(b);
            unregister(b);
        } else {
            return -1;
        }
        refCount[b] = 1;
        return b;
    }

    /**
     * Looks up the cached full block holding {@code tokens[from .. from + blockSize)} after the prefix
     * whose chain hash is {@code parent}, and takes a reference to it; -1 if absent.
     */
    int acquireCached(long parent, int[] tokens, int from) {
        long chainHash = chainHash(parent, tokens, from, from + blockSize);
        Integer b = byHash.get(chainHash);
        if (b == null || parentOf[b] != parent
                || !Arrays.equals(tokensOf, b * blockSize, (b + 1) * blockSize, tokens, from, from + blockSize)) {
            return -1;
        }
        if (refCount[b] == 0) lruRemove(b);
        refCount[b]++;
        return b;
    }

    /** Another user of a block (a forked sequence sharing a prompt). */
    void retain(int b) {
        if (refCount[b] == 0) lruRemove(b);
        refCount[b]++;
    }

    /** Drops a reference; a registered block without users becomes evictable, any other returns to the free list. */
    void release(int b) {
        if (refCount[b] <= 0) throw new IllegalStateException("block " + b + " released twice");
        if (--refCount[b] > 0) return;
        if (registered[b]) {
            lruAppend(b);
        } else {
            free[freeCount++] = b;
        }
    }

    /**
     * Makes full block {@code b}, holding {@code tokens[from .. from + blockSize)} after the prefix with
     * chain hash {@code parent}, findable; returns its chain hash. No-op if another block already has
     * that content.
     */
    long register(int b, long parent, int[] tokens, int from) {
        long chainHash = chainHash(parent, tokens, from, from + blockSize);
        if (registered[b] || byHash.containsKey(chainHash)) return chainHash;
        registered[b] = true;
        hashOf[b] = chainHash;
        parentOf[b] = parent;
        System.arraycopy(tokens, from, tokensOf, b * blockSize, blockSize);
        byHash.put(chainHash, b);
        return chainHash;
    }

    private void unregister(int b) {
        if (!registered[b]) return;
        byHash.remove(hashOf[b]);
        registered[b] = false;
        hashOf[b] = 0;
    }

    private void lruAppend(int b) {
        lruPrev[b] = lruTail;
        lruNext[b] = -1;
        if (lruTail >= 0) lruNext[lruTail] = b;
        else lruHead = b;
        lruTail = b;
        lruCount++;
    }

    private void lruRemove(int b) {
        int p = lruPrev[b];
        int n = lruNext[b];
        if (p >= 0) lruNext[p] = n;
        else lruHead = n;
        if (n >= 0) lruPrev[n] = p;
        else lruTail = p;
        lruPrev[b] = -1;
        lruNext[b] = -1;
        lruCount--;
    }

    /** The chain hash of a block: its parent's hash and its tokens (FNV-1a style mixing over 64 bits, never 0). */
    static long chainHash(long parent, int[] tokens, int from, int to) {
        long h = parent ^ 0x9E3779B97F4A7C15L;
        for (int i = from; i < to; i++) {
            h ^= tokens[i];
            h *= 0x100000001B3L;
            h ^= h >>> 29;
        }
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 31;
        return h == 0 ? 1 : h;
    }
}
