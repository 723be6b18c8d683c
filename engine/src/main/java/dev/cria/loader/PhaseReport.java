package dev.cria.loader;

/** One phase of a load told to a {@link LoadProgress}: started at 0, advanced, finished at its total. */
final class PhaseReport {
    /** Bytes of work between reports: a 1B model's embedding check reports a few times, not once. */
    static final long CHUNK_BYTES = 64L << 20;

    private final LoadProgress listener;
    private final LoadPhase phase;
    private final long total;
    private long done;

    private PhaseReport(LoadProgress listener, LoadPhase phase, long total) {
        this.listener = listener;
        this.phase = phase;
        this.total = total;
    }

    static PhaseReport start(LoadProgress listener, LoadPhase phase, long total) {
        listener.progressed(phase, 0, total);
        return new PhaseReport(listener, phase, total);
    }

    /**
     * {@code bytes} more done; never past the total, so an estimate too small cannot run backwards.
     * Synchronized: the interleaving phase advances from every core ({@link Interleaving}), and a
     * listener sees one report at a time, in increasing order.
     */
    synchronized void advance(long bytes) {
        done = Math.min(total, done + bytes);
        listener.progressed(phase, done, total);
    }

    synchronized void finish() {
        if (done < total) advance(total - done);
    }

    /** Bytes to work through between reports, whole multiples of {@code unit}; unbounded when nobody listens. */
    long chunkBytes(int unit) {
        return listener == LoadProgress.NONE ? Long.MAX_VALUE : CHUNK_BYTES - CHUNK_BYTES % unit;
    }
}
