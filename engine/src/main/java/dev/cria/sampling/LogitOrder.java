package dev.cria.sampling;

/**
 * The one order the sampler and the logprobs agree on: higher logit first, equal logits by
 * lower token id. A (logit, id) pair is packed into one {@code long} whose signed natural order
 * IS that order (smaller key = better token), so selection and sorting run on a primitive array
 * with no boxing and no comparator.
 *
 * <p>High 32 bits: the complement of the float's order-preserving integer image (so a higher
 * logit gives a smaller value); low 32 bits: the token id (non-negative, so it compares as
 * unsigned within equal logits). {@code -0.0f} is folded into {@code +0.0f} so that packed order
 * agrees with {@code ==} on floats.
 */
final class LogitOrder {
    private LogitOrder() {
    }

    static long key(float logit, int id) {
        int bits = Float.floatToRawIntBits(logit + 0.0f);
        int ordered = bits ^ ((bits >> 31) & 0x7fffffff);
        return ((long) ~ordered << 32) | (id & 0xffffffffL);
    }

    static int id(long key) {
        return (int) key;
    }

    static float logit(long key) {
        int ordered = ~(int) (key >> 32);
        return Float.intBitsToFloat(ordered ^ ((ordered >> 31) & 0x7fffffff));
    }

    /** Restores the heap property below {@code i} in a heap whose root is the LARGEST key (the worst token). */
    static void siftDownWorst(long[] heap, int i, int size) {
        long x = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] > heap[child]) {
                child++;
            }
            if (heap[child] <= x) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = x;
    }

    /** Restores the heap property below {@code i} in a heap whose root is the SMALLEST key (the best token). */
    static void siftDownBest(long[] heap, int i, int size) {
        long x = heap[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && heap[child + 1] < heap[child]) {
                child++;
            }
            if (heap[child] >= x) {
                break;
            }
            heap[i] = heap[child];
            i = child;
        }
        heap[i] = x;
    }

    /**
     * Keeps the {@code k} best tokens of {@code values[off .. off+n)} (token id = index - off) in
     * {@code heap[0..min(k, n))}, unsorted, and returns how many were kept. O(n log k), no
     * allocation.
     */
    static int selectBest(float[] values, int off, int n, int k, long[] heap) {
        if (k <= 0) {
            return 0;
        }
        int size = 0;
        for (int id = 0; id < n; id++) {
            long key = key(values[off + id], id);
            if (size < k) {
                heap[size++] = key;
                if (size == k) {
                    for (int i = k / 2 - 1; i >= 0; i--) {
                        siftDownWorst(heap, i, k);
                    }
                }
            } else if (key < heap[0]) {
                heap[0] = key;
                siftDownWorst(heap, 0, k);
            }
        }
        return size;
    }

    /** Sorts {@code a[0..n)} ascending (best token first), in place, no allocation (heapsort). */
    static void sortBestFirst(long[] a, int n) {
        heapsortRange(a, 0, n);
    }

    /**
     * Sorts {@code a[from..to)} ascending (best token first), in place and without allocating
     * ({@code Arrays.sort(long[])} may allocate merge buffers): quicksort with a median-of-three
     * pivot, insertion sort for short ranges, heapsort once the recursion gets too deep.
     */
    static void sort(long[] a, int from, int to) {
        quicksort(a, from, to, 2 * (32 - Integer.numberOfLeadingZeros(Math.max(1, to - from))));
    }

    private static void quicksort(long[] a, int from, int to, int depth) {
        while (to - from > 24) {
            if (depth-- == 0) {
                heapsortRange(a, from, to);
                return;
            }
            int mid = (from + to) >>> 1;
            long x = a[from];
            long y = a[mid];
            long z = a[to - 1];
            long pivot = Math.max(Math.min(x, y), Math.min(Math.max(x, y), z));
            int i = from;
            int j = to - 1;
            while (i <= j) {
                while (a[i] < pivot) {
                    i++;
                }
                while (a[j] > pivot) {
                    j--;
                }
                if (i <= j) {
                    long t = a[i];
                    a[i] = a[j];
                    a[j] = t;
                    i++;
                    j--;
                }
            }
            // Recurse into the smaller side, loop on the larger: O(log n) stack.
            if (j + 1 - from < to - i) {
                quicksort(a, from, j + 1, depth);
                from = i;
            } else {
                quicksort(a, i, to, depth);
                to = j + 1;
            }
        }
        for (int i = from + 1; i < to; i++) {
            long x = a[i];
            int j = i - 1;
            while (j >= from && a[j] > x) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = x;
        }
    }

    /** Heapsort of {@code a[from..to)} ascending: the quicksort's guard against quadratic inputs. */
    private static void heapsortRange(long[] a, int from, int to) {
        int n = to - from;
        for (int i = n / 2 - 1; i >= 0; i--) {
            siftDownWorst(a, from, i, n);
        }
        for (int end = n - 1; end > 0; end--) {
            long worst = a[from];
            a[from] = a[from + end];
            a[from + end] = worst;
            siftDownWorst(a, from, 0, end);
        }
    }

    /** {@link #siftDownWorst(long[], int, int)} on the heap stored at {@code a[base..base+size)}. */
    private static void siftDownWorst(long[] a, int base, int i, int size) {
        long x = a[base + i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && a[base + child + 1] > a[base + child]) {
                child++;
            }
            if (a[base + child] <= x) {
                break;
            }
            a[base + i] = a[base + child];
            i = child;
        }
        a[base + i] = x;
    }
}
