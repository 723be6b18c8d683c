package dev.cria.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gauges the Gateway API Inference Extension's endpoint picker routes by (its model server
 * protocol: queued requests, running requests, KV cache utilisation, and the cache's block size and
 * block count as labels), under Cria's names and, when asked, vLLM's. Runs on the scripted engine,
 * whose one generation at a time holds a block of 16 tokens per 16 tokens of prompt and answer.
 */
class PickerMetricsTest {
    private static final String SLOW_STREAM = "{\"model\":\"scripted-llama\",\"messages\":[{\"role\":\"user\",\"content\":\"go\"}],"
            + "\"max_tokens\":400,\"ignore_eos\":true,\"stream\":true}";

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aRequestInFlightIsOneRunningAndHoldsSomeOfTheKvCache() throws Exception {
        ScriptedEngine engine = new ScriptedEngine(4096, 8, Duration.ofMillis(10));
        try (TestServers.Running s = TestServers.scripted(engine, ServerOptions.defaults())) {
            MetricsScrape idle = MetricsScrape.of(s.uri("/metrics"));
            HttpResponse<java.io.InputStream> stream = openStream(s);
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                assertThat(firstContentFrame(lines)).isNotNull();
                MetricsScrape busy = MetricsScrape.of(s.uri("/metrics"));

                assertThat(idle.get("cria_requests_running")).isZero();
                assertThat(idle.get("cria_kv_cache_usage_ratio")).isZero();
                assertThat(busy.get("cria_requests_running")).isEqualTo(1);
                assertThat(busy.get("cria_requests_waiting")).isZero();
                assertThat(busy.get("cria_kv_cache_usage_ratio")).isGreaterThan(0).isLessThanOrEqualTo(1)
                        .isEqualTo(busy.get("cria_kv_blocks_used") / busy.get("cria_kv_blocks_total"));
            }
        }
    }

    @Test
    void theCacheShapeIsAnInfoGaugeWithBlockSizeAndBlockCountLabels() throws Exception {
        try (TestServers.Running s = TestServers.scripted(new ScriptedEngine(4096, 8, Duration.ZERO), ServerOptions.defaults())) {
            MetricsScrape m = MetricsScrape.of(s.uri("/metrics"));

            assertThat(m.types()).containsEntry("cria_cache_config_info", "gauge").containsEntry("cria_kv_cache_usage_ratio", "gauge");
            assertThat(m.get("cria_cache_config_info{block_size=16,num_blocks=256}")).isEqualTo(1);
        }
    }

    @Test
    void vllmNamesAreAbsentUnlessAsked() throws Exception {
        try (TestServers.Running s = TestServers.scripted(ScriptedEngine.quick(), ServerOptions.defaults())) {
            assertThat(MetricsScrape.of(s.uri("/metrics")).types().keySet()).noneMatch(name -> name.startsWith("vllm:"));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void askedForVllmNamesTheSameGaugesAreThereUnderThemToo() throws Exception {
        ScriptedEngine engine = new ScriptedEngine(4096, 8, Duration.ofMillis(10));
        try (TestServers.Running s = TestServers.scripted(engine, ServerOptions.defaults().withVllmMetricNames(true))) {
            HttpResponse<java.io.InputStream> stream = openStream(s);
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                firstContentFrame(lines);
                MetricsScrape m = MetricsScrape.of(s.uri("/metrics"));

                assertThat(m.types()).containsEntry("vllm:num_requests_waiting", "gauge")
                        .containsEntry("vllm:num_requests_running", "gauge")
                        .containsEntry("vllm:kv_cache_usage_perc", "gauge")
                        .containsEntry("vllm:cache_config_info", "gauge");
                assertThat(m.get("vllm:num_requests_running")).isEqualTo(1);
                assertThat(m.get("vllm:num_requests_waiting")).isZero();
                assertThat(m.get("vllm:kv_cache_usage_perc")).isPositive();
                assertThat(m.get("vllm:cache_config_info{block_size=16,num_gpu_blocks=256}")).isEqualTo(1);
            }
        }
    }

    @Test
    void anOpenMetricsScraperGetsTheSameFamilies() throws Exception {
        // Go scrapers (the picker, Prometheus) may negotiate OpenMetrics; the info gauge keeps its _info name there too.
        try (TestServers.Running s = TestServers.scripted(new ScriptedEngine(4096, 8, Duration.ZERO),
                ServerOptions.defaults().withVllmMetricNames(true))) {
            HttpResponse<String> r = Http.get(s.uri("/metrics"), "Accept", "application/openmetrics-text;version=1.0.0");

            assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("application/openmetrics-text");
            assertThat(r.body()).contains("# TYPE cria_cache_config_info gauge\n")
                    .contains("cria_cache_config_info{block_size=\"16\",num_blocks=\"256\"} 1")
                    .contains("# TYPE vllm:kv_cache_usage_perc gauge\n")
                    .contains("vllm:cache_config_info{block_size=\"16\",num_gpu_blocks=\"256\"} 1");
        }
    }

    private static HttpResponse<java.io.InputStream> openStream(TestServers.Running s) throws Exception {
        HttpRequest post = HttpRequest.newBuilder(s.uri("/v1/chat/completions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(SLOW_STREAM)).build();
        HttpResponse<java.io.InputStream> r = HttpClient.newHttpClient().send(post, HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        return r;
    }

    /** Reads SSE lines up to the first that carries generated text: the generation is running then. */
    private static String firstContentFrame(BufferedReader lines) throws Exception {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (line.startsWith("data: ") && line.contains("\"content\":\"") && !line.contains("\"content\":\"\"")) return line;
        }
        return null;
    }
}
