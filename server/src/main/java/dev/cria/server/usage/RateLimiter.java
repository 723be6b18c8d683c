package dev.cria.server.usage;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Requests and tokens per minute per key id, as token buckets: a bucket holds up to the limit and
 * refills continuously at limit / 60 s, so a key may burst to its limit and then goes on at its
 * rate (OpenAI's limits behave so: "remaining" grows back smoothly, "reset" is the time until the
 * bucket is full again).
 */
public final class RateLimiter {
    private static final double MINUTE_NANOS = 60e9;

    /** What a bucket shows in the headers: limit, remaining now, nanoseconds until full. */
    public record State(long limit, long remaining, long resetNanos) {
    }

    /** One bucket. Thread-safe. */
    public static final class Bucket {
        private final long capacity;
        private final LongSupplier clock;
        private double level;
        private long last;

        Bucket(long capacity, LongSupplier clock) {
            this.capacity = capacity;
            this.clock = clock;
            this.level = capacity;
            this.last = clock.getAsLong();
        }

        private void refill() {
            long now = clock.getAsLong();
            level = Math.min(capacity, level + (now - last) * capacity / MINUTE_NANOS);
            last = now;
        }

        /**
         * Takes {@code n} if the bucket holds them: returns 0; else takes nothing and returns the
         * nanoseconds until it will hold them, or -1 if it never can (n above the limit).
         */
        public synchronized long tryTake(long n) {
            if (n > capacity) return -1;
            refill();
            if (level >= n) {
                level -= n;
                return 0;
            }
            return (long) Math.ceil((n - level) * MINUTE_NANOS / capacity);
        }

        /** Gives back {@code n} (a reservation settled lower), or takes more when negative (the bucket may go below 0). */
        public synchronized void adjust(long n) {
            refill();
            level = Math.min(capacity, level + n);
        }

        public synchronized State state() {
            refill();
            long remaining = (long) Math.floor(Math.max(0, level));
            long reset = (long) Math.ceil((capacity - level) * MINUTE_NANOS / capacity);
            return new State(capacity, remaining, reset);
        }
    }

    /** A key's buckets; either may be null (no such limit). */
    public record KeyBuckets(Bucket requests, Bucket tokens) {
    }

    private final KeyLimits limits;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, KeyBuckets> buckets = new ConcurrentHashMap<>();

    public RateLimiter(KeyLimits limits) {
        this(limits, System::nanoTime);
    }

    public RateLimiter(KeyLimits limits, LongSupplier clock) {
        this.limits = limits;
        this.clock = clock;
    }

    /** The buckets of {@code keyId}, or null when the key is not limited. */
    public KeyBuckets of(String keyId) {
        KeyLimits.Limit l = limits.of(keyId);
        if (!l.limited()) return null;
        return buckets.computeIfAbsent(keyId, k -> new KeyBuckets(
                l.requestsPerMinute() == null ? null : new Bucket(l.requestsPerMinute(), clock),
                l.tokensPerMinute() == null ? null : new Bucket(l.tokensPerMinute(), clock)));
    }

    /**
     * A duration as OpenAI writes its reset headers (Go's duration format): {@code 20ms},
     * {@code 1s}, {@code 1.5s}, {@code 6m0s}, {@code 1h2m3s}; rounded up to the millisecond.
     */
    public static String goDuration(long nanos) {
        long ms = Math.max(0, (nanos + 999_999) / 1_000_000);
        if (ms == 0) return "0s";
        if (ms < 1000) return ms + "ms";
        long h = ms / 3_600_000, m = ms / 60_000 % 60, s = ms / 1000 % 60, frac = ms % 1000;
        StringBuilder b = new StringBuilder();
        if (h > 0) b.append(h).append('h');
        if (h > 0 || m > 0) b.append(m).append('m');
        b.append(s);
        if (frac > 0) b.append('.').append(String.format("%03d", frac).replaceAll("0+$", ""));
        return b.append('s').toString();
    }
}
