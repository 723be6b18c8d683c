package dev.cria.engine;

/**
 * A snapshot of the engine for monitoring (the server exposes it as Prometheus metrics at /metrics).
 * Totals count since start; histograms are cumulative like Prometheus histograms.
 */
public record EngineStats(int requestsRunning, int requestsWaiting, int kvBlocksUsed, int kvBlocksTotal,
                          int kvBlocksCachedIdle, int kvBlockSize, long promptTokensTotal, long generatedTokensTotal,
                          long prefixCacheHitTokensTotal, long requestsFinishedTotal, long requestsCancelledTotal,
                          long queueRejectionsTotal, long preemptionsTotal,
                          Histogram timeToFirstTokenSeconds, Histogram interTokenLatencySeconds) {

    /**
     * @param upperBounds  bucket upper bounds in seconds, increasing (the +Inf bucket is {@code count})
     * @param cumulative   observations ≤ each bound
     */
    public record Histogram(double[] upperBounds, long[] cumulative, double sum, long count) {
    }
}
