package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code GET /metrics}: the engine's stats and the JVM's, Prometheus text 0.0.4 or OpenMetrics by the Accept header, open without a key. */
class MetricsTest {
    @RegisterExtension
    static final ClassServer server = new ClassServer();

    private static MetricsScrape scrape(TestServers.Running s) throws Exception {
        return MetricsScrape.of(s.uri("/metrics"));
    }

    @Test
    void everyDocumentedFamilyIsThereWithItsType() throws Exception {
        MetricsScrape s = scrape(server.running());

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
        MetricsScrape before = scrape(server.running());
        JsonNode c = Http.json(Http.post(server.uri("/v1/chat/completions"), "{\"model\":" + Http.quote(server.modelId())
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Count the metrics.\"}],\"max_tokens\":5,\"ignore_eos\":true}"));
        MetricsScrape after = scrape(server.running());

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
        MetricsScrape s = scrape(server.running());

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
        try (TestServers.Running keyed = TestServers.alongside(server.running(), ServerOptions.defaults().withHost("127.0.0.1")
                .withApiKeys(List.of("k1")))) {
            assertThat(Http.get(keyed.uri("/v1/models")).statusCode()).isEqualTo(401);
            assertThat(scrape(keyed).get("cria_model_loaded")).isEqualTo(1);
        }
    }

    @Test
    void whileTheModelLoadsOnlyModelLoadedZeroIsThereOfTheEngineFamilies() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        // The loader never yields an engine: a loading server owns (and on stop closes) what it loads.
        CriaServer loading = CriaServer.startLoading(() -> {
            release.await();
            throw new IllegalStateException("this test never finishes loading");
        }, ServerOptions.defaults());
        try {
            MetricsScrape s = MetricsScrape.of(URI.create("http://127.0.0.1:" + loading.port() + "/metrics"));

            assertThat(s.get("cria_model_loaded")).isZero();
            assertThat(s.types().keySet().stream().filter(f -> f.startsWith("cria_") && !f.startsWith("cria_http_")))
                    .containsExactly("cria_model_loaded");
        } finally {
            release.countDown();
            loading.stop();
        }
    }

    @Test
    void jvmAndProcessFamiliesAreThere() throws Exception {
        MetricsScrape s = scrape(server.running());

        assertThat(s.get("jvm_memory_used_bytes{area=heap}")).isPositive();
        assertThat(s.get("jvm_threads_current")).isPositive();
        assertThat(s.types()).containsEntry("jvm_gc_collection_seconds", "summary")
                .containsEntry("jvm_classes_loaded_total", "counter")
                .containsEntry("process_cpu_seconds_total", "counter");
    }

    @Test
    void aScraperThatAsksForOpenMetricsGetsIt() throws Exception {
        HttpResponse<String> r = Http.get(server.uri("/metrics"), "Accept",
                "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("application/openmetrics-text; version=1.0.0");
        // OpenMetrics 1.0: a counter family is named without _total, its sample with it; the exposition ends with # EOF.
        assertThat(r.body()).contains("# TYPE cria_prompt_tokens counter\n")
                .containsPattern("(?m)^cria_prompt_tokens_total \\S+$")
                .endsWith("# EOF\n");
    }

    @Test
    void aScraperThatOffersProtobufFirstGetsItsNextChoice() throws Exception {
        // What Prometheus sends with native histograms on (scrape_protocols PrometheusProto first).
        HttpResponse<String> r = Http.get(server.uri("/metrics"), "Accept",
                "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.8,"
                        + "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("application/openmetrics-text; version=1.0.0");
        assertThat(r.body()).contains("cria_model_loaded 1").endsWith("# EOF\n");
    }
}
