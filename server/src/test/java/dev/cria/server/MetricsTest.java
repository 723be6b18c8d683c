package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /metrics}: Prometheus text exposition 0.0.4 over the engine's stats, open without a key. */
class MetricsTest {
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{le=\"([^\"]+)\"})? (\\S+)");
    private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)");

    private static TestServers.Running server;

    @BeforeAll
    static void start() {
        server = TestServers.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** One scrape: family name → type, and sample (name plus le label) → value; fails on any line the format does not allow. */
    record Scrape(Map<String, String> types, Map<String, Double> samples) {
        double get(String sample) {
            assertThat(samples).containsKey(sample);
            return samples.get(sample);
        }
    }

    private static Scrape scrape(TestServers.Running s) throws Exception {
        HttpResponse<String> r = Http.get(s.uri("/metrics"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/plain; version=0.0.4");
        Map<String, String> types = new LinkedHashMap<>();
        Set<String> helped = new HashSet<>();
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : r.body().split("\n")) {
            Matcher c = COMMENT.matcher(line);
            if (c.matches()) {
                if (c.group(1).equals("HELP")) helped.add(c.group(2));
                else types.put(c.group(2), c.group(3));
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a sample line: %s", line).isTrue();
            String family = m.group(1).replaceAll("_(bucket|sum|count)$", "");
            assertThat(types).as("TYPE before the samples of %s", m.group(1)).containsKey(types.containsKey(m.group(1)) ? m.group(1) : family);
            samples.put(m.group(3) == null ? m.group(1) : m.group(1) + "{le=" + m.group(3) + "}", Double.parseDouble(m.group(4)));
        }
        assertThat(helped).isEqualTo(types.keySet());
        assertThat(r.body()).endsWith("\n");
        return new Scrape(types, samples);
    }

    @Test
    void everyDocumentedFamilyIsThereWithItsType() throws Exception {
        Scrape s = scrape(server);

        for (String gauge : List.of("cria_requests_running", "cria_requests_waiting", "cria_kv_blocks_used", "cria_kv_blocks_total",
                "cria_kv_blocks_cached")) {
            assertThat(s.types()).containsEntry(gauge, "gauge");
        }
        for (String counter : List.of("cria_prefix_cache_hit_tokens_total", "cria_prompt_tokens_total", "cria_generation_tokens_total",
                "cria_requests_finished_total", "cria_requests_cancelled_total", "cria_queue_rejections_total", "cria_preemptions_total")) {
            assertThat(s.types()).containsEntry(counter, "counter");
        }
        assertThat(s.types()).containsEntry("cria_time_to_first_token_seconds", "histogram")
                .containsEntry("cria_inter_token_latency_seconds", "histogram");
        assertThat(s.get("cria_kv_blocks_total")).isPositive();
    }

    @Test
    void countersMoveByWhatARequestUsed() throws Exception {
        Scrape before = scrape(server);
        JsonNode c = Http.json(Http.post(server.uri("/v1/chat/completions"), "{\"model\":" + Http.quote(server.modelId())
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Count the metrics.\"}],\"max_tokens\":5,\"ignore_eos\":true}"));
        Scrape after = scrape(server);

        assertThat(after.get("cria_prompt_tokens_total") - before.get("cria_prompt_tokens_total"))
                .isEqualTo(c.at("/usage/prompt_tokens").asDouble());
        assertThat(after.get("cria_generation_tokens_total") - before.get("cria_generation_tokens_total")).isEqualTo(5);
        assertThat(after.get("cria_requests_finished_total") - before.get("cria_requests_finished_total")).isEqualTo(1);
        assertThat(after.get("cria_time_to_first_token_seconds_count") - before.get("cria_time_to_first_token_seconds_count")).isEqualTo(1);
        assertThat(after.get("cria_inter_token_latency_seconds_count") - before.get("cria_inter_token_latency_seconds_count")).isEqualTo(4);
        assertThat(after.get("cria_requests_running")).isZero();
    }

    @Test
    void histogramBucketsAreCumulativeAndEndAtTheCount() throws Exception {
        Http.post(server.uri("/v1/completions"), "{\"model\":" + Http.quote(server.modelId()) + ",\"prompt\":\"Buckets\",\"max_tokens\":4}");
        Scrape s = scrape(server);

        for (String h : List.of("cria_time_to_first_token_seconds", "cria_inter_token_latency_seconds")) {
            List<Double> buckets = new ArrayList<>();
            Map<Double, Double> byBound = new HashMap<>();
            s.samples().forEach((k, v) -> {
                if (k.startsWith(h + "_bucket{le=") && !k.endsWith("+Inf}")) {
                    byBound.put(Double.parseDouble(k.substring(k.indexOf('=') + 1, k.length() - 1)), v);
                }
            });
            byBound.keySet().stream().sorted().forEach(b -> buckets.add(byBound.get(b)));
            assertThat(buckets).isNotEmpty().isSorted();
            assertThat(s.get(h + "_bucket{le=+Inf}")).isEqualTo(s.get(h + "_count")).isGreaterThanOrEqualTo(buckets.getLast());
            assertThat(s.get(h + "_count")).isPositive();
            assertThat(s.get(h + "_sum")).isPositive();
        }
    }

    @Test
    void metricsNeedNoApiKey() throws Exception {
        try (TestServers.Running keyed = TestServers.alongside(server, ServerOptions.defaults().withHost("127.0.0.1")
                .withApiKeys(List.of("k1")))) {
            assertThat(Http.get(keyed.uri("/v1/models")).statusCode()).isEqualTo(401);
            assertThat(scrape(keyed).get("cria_model_loaded")).isEqualTo(1);
        }
    }
}
