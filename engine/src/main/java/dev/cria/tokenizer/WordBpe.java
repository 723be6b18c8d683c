package dev.cria.tokenizer;

/**
 * Byte-pair merging of one word, lowest merge rank first and leftmost first among equal ranks
 * (llama.cpp {@code llm_tokenizer_bpe_session}, HF {@code Word::merge_all}). The symbols form a
 * linked list and candidate pairs sit in a binary heap keyed {@code rank << 32 | left index}, so
 * a word of n bytes costs O(n log n). Stale heap entries are recognised on pop: the pair now at
 * that index must still merge with the same rank (a rank names exactly one pair).
 * Reused across words of one encode call; not thread-safe.
 */
final class WordBpe {
    private int[] sym = new int[64];
    private int[] prev = new int[64];
    private int[] next = new int[64];
    private long[] heap = new long[192];
    private int heapSize;

    int[] merge(byte[] bytes, int n, int[] byteToken, MergeTable merges) {
        if (sym.length < n) {
            sym = new int[n * 2];
            prev = new int[n * 2];
            next = new int[n * 2];
        }
        if (heap.length < 3 * n) heap = new long[6 * n];
        heapSize = 0;
        for (int i = 0; i < n; i++) {
            sym[i] = byteToken[bytes[i] & 0xFF];
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        for (int i = 0; i + 1 < n; i++) offer(i, merges.get(sym[i], sym[i + 1]));
        int count = n;
        while (heapSize > 0) {
            long top = poll();
            int rank = (int) (top >>> 32);
            int at = (int) top;
            int right = next[at];
            if (sym[at] < 0 || right < 0) continue;
            long m = merges.get(sym[at], sym[right]);
            if (m < 0 || (int) (m >>> 32) != rank) continue;
            sym[at] = (int) m;
            sym[right] = -1;
            int after = next[right];
            next[at] = after;
            if (after >= 0) prev[after] = at;
            count--;
            int before = prev[at];
            if (before >= 0) offer(before, merges.get(sym[before], sym[at]));
            if (after >= 0) offer(at, merges.get(sym[at], sym[after]));
        }
        int[] out = new int[count];
        int k = 0;
        for (int i = 0; i >= 0; i = next[i]) out[k++] = sym[i];
        return out;
    }

    private void offer(int leftIndex, long merge) {
        if (merge < 0) return;
        long key = (merge & 0xFFFFFFFF00000000L) | leftIndex;
        int i = heapSize++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (heap[parent] <= key) break;
            heap[i] = heap[parent];
            i = parent;
        }
        heap[i] = key;
    }

    private long poll() {
        long top = heap[0];
        long last = heap[--heapSize];
        int i = 0;
        int half = heapSize >>> 1;
        while (i < half) {
            int c = 2 * i + 1;
            if (c + 1 < heapSize && heap[c + 1] < heap[c]) c++;
            if (last <= heap[c]) break;
            heap[i] = heap[c];
            i = c;
        }
        heap[i] = last;
        return top;
    }
}
