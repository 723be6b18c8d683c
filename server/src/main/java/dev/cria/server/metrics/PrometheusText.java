package dev.cria.server.metrics;

import dev.cria.engine.EngineStats;

/**
 * {@link EngineStats} in the Prometheus text exposition format, version 0.0.4
 * (prometheus.io/docs/instrumenting/exposition_formats): each family has {@code # HELP} and
 * {@code # TYPE} lines; counters end in {@code _total}; a histogram is cumulative
 * {@code _bucket{le="…"}} series ending with {@code le="+Inf"}, then {@code _sum} and {@code _count}.
 * Names follow vLLM's {@code vllm:*} set where one exists (running/waiting, KV usage, prompt and
 * generation tokens, TTFT, inter-token latency), under the {@code cria_} prefix.
 */
public final class PrometheusText {
    /** The response's Content-Type (what Prometheus expects for this format). */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(4096);

    private PrometheusText() {
    }

    /** The exposition of an engine snapshot; {@code stats} null = the model is not loaded (only cria_model_loaded). */
    public static String render(EngineStats stats) {
        PrometheusText t = new PrometheusText();
        t.gauge("cria_model_loaded", "1 once the model is loaded, 0 while it loads (or failed to).", stats == null ? 0 : 1);
        if (stats == null) return t.out.toString();
        t.gauge("cria_requests_running", "Requests generating now (holding KV blocks).", stats.requestsRunning());
        t.gauge("cria_requests_waiting", "Requests queued for a free sequence slot or KV memory.", stats.requestsWaiting());
        t.gauge("cria_kv_blocks_used", "KV cache blocks held by running sequences.", stats.kvBlocksUsed());
        t.gauge("cria_kv_blocks_total", "KV cache blocks in the pool.", stats.kvBlocksTotal());
        t.gauge("cria_kv_blocks_cached", "KV cache blocks no sequence holds that keep a reusable prompt prefix (evicted least recently used first).",
                stats.kvBlocksCachedIdle());
        t.gauge("cria_kv_block_size_tokens", "Tokens per KV cache block.", stats.kvBlockSize());
        t.counter("cria_prompt_tokens_total", "Prompt tokens of admitted requests.", stats.promptTokensTotal());
        t.counter("cria_generation_tokens_total", "Tokens generated.", stats.generatedTokensTotal());
        t.counter("cria_prefix_cache_hit_tokens_total", "Prompt tokens reused from the prefix cache instead of computed.",
                stats.prefixCacheHitTokensTotal());
        t.counter("cria_requests_finished_total", "Generations ended (any reason, cancelled and failed included).",
                stats.requestsFinishedTotal());
        t.counter("cria_requests_cancelled_total", "Generations cancelled (client gone, shutdown).", stats.requestsCancelledTotal());
        t.counter("cria_queue_rejections_total", "Requests refused with 429 because the wait queue was full.",
                stats.queueRejectionsTotal());
        t.counter("cria_preemptions_total", "Sequences preempted (KV blocks freed, recomputed later) for lack of KV memory.",
                stats.preemptionsTotal());
        t.histogram("cria_time_to_first_token_seconds", "Time from submission to the first generated token.",
                stats.timeToFirstTokenSeconds());
        t.histogram("cria_inter_token_latency_seconds", "Time between consecutive generated tokens of a request.",
                stats.interTokenLatencySeconds());
        return t.out.toString();
    }

    private void head(String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void gauge(String name, String help, long value) {
        head(name, help, "gauge");
        out.append(name).append(' ').append(value).append('\n');
    }

    private void counter(String name, String help, long value) {
        head(name, help, "counter");
        out.append(name).append(' ').append(value).append('\n');
    }

    private void histogram(String name, String help, EngineStats.Histogram h) {
        head(name, help, "histogram");
        for (int i = 0; i < h.upperBounds().length; i++) {
            out.append(name).append("_bucket{le=\"").append(h.upperBounds()[i]).append("\"} ").append(h.cumulative()[i]).append('\n');
        }
        out.append(name).append("_bucket{le=\"+Inf\"} ").append(h.count()).append('\n');
        out.append(name).append("_sum ").append(h.sum()).append('\n');
        out.append(name).append("_count ").append(h.count()).append('\n');
    }
}
