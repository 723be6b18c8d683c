package dev.cria.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code cria_http_requests_total} and {@code cria_http_request_duration_seconds}: by method, route template, status. */
class HttpMetricsTest {
    @RegisterExtension
    static final ClassServer server = new ClassServer();

    private static MetricsScrape scrape() throws Exception {
        return MetricsScrape.of(server.uri("/metrics"));
    }

    @Test
    void aRequestCountsUnderItsRouteTemplateNotItsPath() throws Exception {
        // The route matched; the model does not exist, so the handler answers 404.
        String series = "{method=GET,path=/v1/models/<id>,status=404}";
        MetricsScrape before = scrape();
        assertThat(Http.get(server.uri("/v1/models/no-such-model-4711")).statusCode()).isEqualTo(404);
        MetricsScrape after = scrape();

        assertThat(after.types()).containsEntry("cria_http_requests_total", "counter")
                .containsEntry("cria_http_request_duration_seconds", "histogram");
        assertThat(after.get("cria_http_requests_total" + series) - before.getOrZero("cria_http_requests_total" + series)).isEqualTo(1);
        assertThat(after.get("cria_http_request_duration_seconds_count" + series)
                - before.getOrZero("cria_http_request_duration_seconds_count" + series)).isEqualTo(1);
        assertThat(after.samples().keySet()).noneMatch(k -> k.contains("4711"));
    }

    @Test
    void anUnknownPathCountsAsUnmatchedNotByItsRawPath() throws Exception {
        String series = "cria_http_requests_total{method=GET,path=unmatched,status=404}";
        MetricsScrape before = scrape();
        assertThat(Http.get(server.uri("/no-such-route-4711")).statusCode()).isEqualTo(404);
        MetricsScrape after = scrape();

        assertThat(after.get(series) - before.getOrZero(series)).isEqualTo(1);
        assertThat(after.samples().keySet()).noneMatch(k -> k.contains("4711"));
    }

    @Test
    void aRequestRefusedBeforeRoutingCountsAsUnmatched() throws Exception {
        // The key check runs before the router, so no route handled the 401.
        try (TestServers.Running keyed = TestServers.alongside(server.running(), ServerOptions.defaults().withApiKeys(List.of("k1")))) {
            assertThat(Http.get(keyed.uri("/v1/models")).statusCode()).isEqualTo(401);

            assertThat(MetricsScrape.of(keyed.uri("/metrics")).get("cria_http_requests_total{method=GET,path=unmatched,status=401}"))
                    .isEqualTo(1);
        }
    }

    @Test
    void theStatusLabelIsTheCodeSent() throws Exception {
        String series = "cria_http_requests_total{method=POST,path=/v1/chat/completions,status=400}";
        MetricsScrape before = scrape();
        assertThat(Http.post(server.uri("/v1/chat/completions"), "{\"model\":" + Http.quote(server.modelId()) + ",\"messages\":[]}")
                .statusCode()).isEqualTo(400);
        MetricsScrape after = scrape();

        assertThat(after.get(series) - before.getOrZero(series)).isEqualTo(1);
    }

    @Test
    void eachServerCountsOnlyItsOwnRequests() throws Exception {
        try (TestServers.Running other = TestServers.alongside(server.running(), ServerOptions.defaults())) {
            assertThat(Http.get(other.uri("/v1/models")).statusCode()).isEqualTo(200);
            MetricsScrape mine = MetricsScrape.of(other.uri("/metrics"));

            // Its first scrape: the one request before it is all it has counted.
            assertThat(mine.samples()).hasEntrySatisfying("cria_http_requests_total{method=GET,path=/v1/models,status=200}",
                    v -> assertThat(v).isEqualTo(1.0));
            assertThat(mine.samples().keySet().stream().filter(k -> k.startsWith("cria_http_requests_total{"))).hasSize(1);
        }
    }
}
