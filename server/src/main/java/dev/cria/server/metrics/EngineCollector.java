package dev.cria.server.metrics;

import dev.cria.engine.EngineStats;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

import java.util.function.Supplier;

/**
 * The engine's {@link EngineStats} as Prometheus families, read once per scrape so that every
 * family of one scrape comes from the same snapshot (the engine keeps the counts; nothing here
 * holds state). The engine module knows no Prometheus types: this is the only translation.
 * Names follow vLLM's {@code vllm:*} set where one exists (running/waiting, KV usage, prompt and
 * generation tokens, TTFT, inter-token latency), under the {@code cria_} prefix.
 *
 * <p>Counter names are given without {@code _total}: the client's model keeps a counter's base
 * name and the exposition writers append {@code _total} (Prometheus text format and OpenMetrics
 * both name a counter's sample {@code <name>_total}), so {@code cria_prompt_tokens} is exposed as
 * {@code cria_prompt_tokens_total}.
 *
 * <p>The Gateway API Inference Extension's endpoint picker routes by three gauges and two labels
 * (its model server protocol, docs/proposals/003-model-server-protocol: TotalQueuedRequests,
 * TotalRunningRequests, KVCacheUtilization, and the optional BlockSize / NumGPUBlocks labels of an
 * info gauge): {@code cria_requests_waiting}, {@code cria_requests_running},
 * {@code cria_kv_cache_usage_ratio} and {@code cria_cache_config_info}. The picker is told these
 * names with its metric flags; for pickers that only know vLLM's names, {@code vllmNames} also
 * exports them as vLLM does.
 */
final class EngineCollector implements MultiCollector {
    private final Supplier<EngineStats> stats;
    private final boolean vllmNames;

    /**
     * @param stats     the engine's snapshot now, or null while the model is not loaded (then only cria_model_loaded 0)
     * @param vllmNames also export the picker's gauges under vLLM's {@code vllm:*} names
     */
    EngineCollector(Supplier<EngineStats> stats, boolean vllmNames) {
        this.stats = stats;
        this.vllmNames = vllmNames;
    }

    @Override
    public MetricSnapshots collect() {
        EngineStats s = stats.get();
        MetricSnapshots.Builder out = MetricSnapshots.builder();
        out.metricSnapshot(gauge("cria_model_loaded", "1 once the model is loaded, 0 while it loads (or failed to).", s == null ? 0 : 1));
        if (s == null) return out.build();
        out.metricSnapshot(gauge("cria_requests_running", "Requests generating now (holding KV blocks).", s.requestsRunning()));
        out.metricSnapshot(gauge("cria_requests_waiting", "Requests queued for a free sequence slot or KV memory.", s.requestsWaiting()));
        out.metricSnapshot(gauge("cria_kv_blocks_used", "KV cache blocks held by running sequences.", s.kvBlocksUsed()));
        out.metricSnapshot(gauge("cria_kv_blocks_total", "KV cache blocks in the pool.", s.kvBlocksTotal()));
        out.metricSnapshot(gauge("cria_kv_blocks_cached",
                "KV cache blocks no sequence holds that keep a reusable prompt prefix (evicted least recently used first).",
                s.kvBlocksCachedIdle()));
        out.metricSnapshot(gauge("cria_kv_block_size_tokens", "Tokens per KV cache block.", s.kvBlockSize()));
        out.metricSnapshot(gauge("cria_kv_cache_usage_ratio",
                "KV cache blocks held by running sequences over all blocks, 0 to 1 (idle prefix-cache blocks count as free).",
                kvCacheUsage(s)));
        out.metricSnapshot(info("cria_cache_config_info", "The KV cache's shape: tokens per block and blocks in the pool.",
                "block_size", s.kvBlockSize(), "num_blocks", s.kvBlocksTotal()));
        out.metricSnapshot(counter("cria_prompt_tokens", "Prompt tokens of admitted requests.", s.promptTokensTotal()));
        out.metricSnapshot(counter("cria_generation_tokens", "Tokens generated.", s.generatedTokensTotal()));
        out.metricSnapshot(counter("cria_prefix_cache_hit_tokens", "Prompt tokens reused from the prefix cache instead of computed.",
                s.prefixCacheHitTokensTotal()));
        out.metricSnapshot(counter("cria_requests_finished", "Generations ended (any reason, cancelled and failed included).",
                s.requestsFinishedTotal()));
        out.metricSnapshot(counter("cria_requests_cancelled", "Generations cancelled (client gone, shutdown).", s.requestsCancelledTotal()));
        out.metricSnapshot(counter("cria_queue_rejections", "Requests refused with 429 because the wait queue was full.",
                s.queueRejectionsTotal()));
        out.metricSnapshot(counter("cria_preemptions", "Sequences preempted (KV blocks freed, recomputed later) for lack of KV memory.",
                s.preemptionsTotal()));
        out.metricSnapshot(histogram("cria_time_to_first_token_seconds", "Time from submission to the first generated token.",
                s.timeToFirstTokenSeconds()));
        out.metricSnapshot(histogram("cria_inter_token_latency_seconds", "Time between consecutive generated tokens of a request.",
                s.interTokenLatencySeconds()));
        if (vllmNames) vllmFamilies(out, s);
        return out.build();
    }

    /**
     * The same gauges under the names vLLM exports and the endpoint picker reads by default, with
     * vLLM's label names ({@code num_gpu_blocks} although Cria's blocks are in CPU memory: the
     * picker reads that label). Only the families the picker reads: a dashboard built for vLLM
     * would find other vllm:* families missing rather than wrong.
     */
    private static void vllmFamilies(MetricSnapshots.Builder out, EngineStats s) {
        out.metricSnapshot(gauge("vllm:num_requests_running", "Requests generating now (Cria's cria_requests_running).", s.requestsRunning()));
        out.metricSnapshot(gauge("vllm:num_requests_waiting", "Requests queued (Cria's cria_requests_waiting).", s.requestsWaiting()));
        out.metricSnapshot(gauge("vllm:kv_cache_usage_perc", "KV cache usage, 0 to 1 (Cria's cria_kv_cache_usage_ratio).", kvCacheUsage(s)));
        out.metricSnapshot(info("vllm:cache_config_info", "The KV cache's shape (Cria's cria_cache_config_info).",
                "block_size", s.kvBlockSize(), "num_gpu_blocks", s.kvBlocksTotal()));
    }

    /** Blocks held ÷ blocks in the pool: the share of KV memory a new request cannot have without evicting or waiting. */
    static double kvCacheUsage(EngineStats s) {
        return s.kvBlocksTotal() == 0 ? 0 : (double) s.kvBlocksUsed() / s.kvBlocksTotal();
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help).dataPoint(GaugeDataPointSnapshot.builder().value(value).build()).build();
    }

    /**
     * An info-style gauge, value 1, the facts in labels, as vLLM writes {@code vllm:cache_config_info}:
     * a gauge (not the OpenMetrics info type, whose family name would drop {@code _info} and so
     * differ from the name the picker looks up).
     */
    private static GaugeSnapshot info(String name, String help, String label1, long value1, String label2, long value2) {
        Labels labels = Labels.of(label1, Long.toString(value1), label2, Long.toString(value2));
        return GaugeSnapshot.builder().name(name).help(help)
                .dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(1).build()).build();
    }

    private static CounterSnapshot counter(String name, String help, long value) {
        return CounterSnapshot.builder().name(name).help(help).dataPoint(CounterDataPointSnapshot.builder().value(value).build()).build();
    }

    /**
     * The engine keeps cumulative counts per bound (as the exposition shows them); the client's
     * model takes per-bucket counts and a {@code +Inf} bound, and writes the cumulative
     * {@code _bucket}, {@code _count} and {@code _sum} series from them.
     */
    static HistogramSnapshot histogram(String name, String help, EngineStats.Histogram h) {
        double[] bounds = h.upperBounds();
        long[] cumulative = h.cumulative();
        double[] upperBounds = new double[bounds.length + 1];
        long[] perBucket = new long[bounds.length + 1];
        long below = 0;
        for (int i = 0; i < bounds.length; i++) {
            upperBounds[i] = bounds[i];
            perBucket[i] = cumulative[i] - below;
            below = cumulative[i];
        }
        upperBounds[bounds.length] = Double.POSITIVE_INFINITY;
        // The engine reads its buckets before its count, and records an observation in that order
        // too, so a snapshot taken mid-observation can hold it in a bucket but not yet in the count.
        // The +Inf bucket must hold at least every finite bucket (it is the count of all
        // observations), and the client refuses a negative bucket count: count it as seen.
        perBucket[bounds.length] = Math.max(0, h.count() - below);
        return HistogramSnapshot.builder().name(name).help(help)
                .dataPoint(HistogramDataPointSnapshot.builder()
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(upperBounds, perBucket))
                        .sum(h.sum())
                        .build())
                .build();
    }
}
