package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.server.usage.Metering;
import dev.cria.server.usage.MeteringOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Usage metering through the server: every API's requests land in the ledger under the key's id
 * and the served model, with the token counts the responses reported; {@code GET /v1/usage}
 * answers OpenAI's usage page to the admin key only; the key itself is never written.
 */
class UsageMeteringTest {
    private static final String KEY_A = "sk-usage-test-key-a-0123456789";
    private static final String KEY_B = "sk-usage-test-key-b-9876543210";
    private static final String ADMIN = "sk-admin-usage-test-5555";

    @TempDir
    static Path dir;
    private static TestServers.Running server;
    private static Metering metering;

    @BeforeAll
    static void start() {
        metering = Metering.open(new MeteringOptions(dir.resolve("usage.db"), List.of(ADMIN), new BigDecimal("0.10"),
                new BigDecimal("0.40"), null));
        var engine = TestServers.newEngine();
        server = new TestServers.Running(engine, CriaServer.start(engine,
                ServerOptions.defaults().withApiKeys(List.of(KEY_A, KEY_B)).withHost("127.0.0.1"), metering), true);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String model() {
        return Http.quote(server.modelId());
    }

    private static HttpResponse<String> post(String key, String path, String body) throws Exception {
        return Http.post(server.uri(path), body, "Authorization", "Bearer " + key);
    }

    private static JsonNode usage(String query, String key) throws Exception {
        HttpResponse<String> r = Http.get(server.uri("/v1/usage" + query), "Authorization", "Bearer " + key);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Http.json(r);
    }

    /** The one result of the key's id in a page grouped by key (all buckets added). */
    private static long[] totalsOf(String key) throws Exception {
        long[] t = new long[4]; // requests, input, cached, output
        for (JsonNode bucket : usage("?group_by=api_key_id&bucket_width=1h", ADMIN).get("data")) {
            for (JsonNode r : bucket.get("results")) {
                if (!r.get("api_key_id").asText().equals(metering.keyId(key))) continue;
                t[0] += r.get("num_model_requests").asLong();
                t[1] += r.get("input_tokens").asLong();
                t[2] += r.get("input_cached_tokens").asLong();
                t[3] += r.get("output_tokens").asLong();
            }
        }
        return t;
    }

    @Test
    void everyApisRequestsAreRecordedUnderTheKeysIdAndTheServedModel() throws Exception {
        String key = "sk-usage-every-api";
        try (TestServers.Running s = new TestServers.Running(server.engine(), CriaServer.start(server.engine(),
                ServerOptions.defaults().withApiKeys(List.of(key)).withHost("127.0.0.1"),
                Metering.open(new MeteringOptions(dir.resolve("every-api.db"), List.of(ADMIN), null, null, null))), false)) {
            String m = Http.quote(s.modelId());
            String hi = "[{\"role\":\"user\",\"content\":\"hi\"}]";
            List<HttpResponse<String>> answers = Stream.of(
                    new String[]{"/v1/chat/completions", "{\"model\":" + m + ",\"messages\":" + hi + ",\"max_tokens\":3}"},
                    new String[]{"/v1/completions", "{\"model\":" + m + ",\"prompt\":\"The sky\",\"max_tokens\":3}"},
                    new String[]{"/v1/responses", "{\"model\":" + m + ",\"input\":\"hi\",\"max_output_tokens\":3}"},
                    new String[]{"/v1/messages", "{\"model\":" + m + ",\"messages\":" + hi + ",\"max_tokens\":3}"},
                    new String[]{"/api/chat", "{\"model\":" + m + ",\"messages\":" + hi + ",\"stream\":false,\"options\":{\"num_predict\":3}}"},
                    new String[]{"/api/generate", "{\"model\":" + m + ",\"prompt\":\"hi\",\"stream\":false,\"options\":{\"num_predict\":3}}"},
                    new String[]{"/score", "{\"input_data\":{\"input_string\":[\"The sky\"],\"parameters\":{\"max_new_tokens\":3}}}"})
                    .map(a -> {
                        try {
                            return Http.post(s.uri(a[0]), a[1], "Authorization", "Bearer " + key);
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    }).toList();
            assertThat(answers).allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(200));

            HttpResponse<String> page = Http.get(s.uri("/v1/usage?group_by=api_key_id,model"), "Authorization", "Bearer " + ADMIN);
            JsonNode results = Http.json(page).get("data").get(0).get("results");

            assertThat(results).hasSize(1);
            assertThat(results.get(0).get("num_model_requests").asLong()).isEqualTo(7);
            assertThat(results.get(0).get("model").asText()).isEqualTo(servedId(s));
            assertThat(results.get(0).get("api_key_id").asText()).matches("key_[0-9a-f]{24}");
        }
    }

    /** The served model id, as GET /v1/models names it first. */
    private static String servedId(TestServers.Running s) throws Exception {
        return Http.json(Http.get(s.uri("/v1/models"), "Authorization", "Bearer sk-usage-every-api")).get("data").get(0).get("id").asText();
    }

    @Test
    void theLedgerCountsTheTokensTheResponsesReported() throws Exception {
        long[] before = totalsOf(KEY_B);
        JsonNode chat = Http.json(post(KEY_B, "/v1/chat/completions", "{\"model\":" + model()
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"Tell me about llamas\"}],\"max_tokens\":5,\"n\":2}"));
        JsonNode completion = Http.json(post(KEY_B, "/v1/completions", "{\"model\":" + model()
                + ",\"prompt\":[\"The sky is\",\"A cat\"],\"max_tokens\":4}"));
        String streamed = post(KEY_B, "/v1/chat/completions", "{\"model\":" + model()
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":6,\"stream\":true,"
                + "\"stream_options\":{\"include_usage\":true}}").body();
        List<JsonNode> chunks = Http.chunks(streamed);
        JsonNode streamUsage = chunks.getLast().get("usage");

        long[] after = totalsOf(KEY_B);

        assertThat(after[0] - before[0]).isEqualTo(3);
        assertThat(after[1] - before[1]).isEqualTo(chat.get("usage").get("prompt_tokens").asLong()
                + completion.get("usage").get("prompt_tokens").asLong() + streamUsage.get("prompt_tokens").asLong());
        assertThat(after[3] - before[3]).isEqualTo(chat.get("usage").get("completion_tokens").asLong()
                + completion.get("usage").get("completion_tokens").asLong() + streamUsage.get("completion_tokens").asLong());
    }

    @Test
    void cachedPromptTokensAreRecordedAsOpenAiReportsThem() throws Exception {
        long[] before = totalsOf(KEY_A);
        String body = "{\"model\":" + model() + ",\"messages\":[{\"role\":\"system\",\"content\":\"" + "You are a llama. ".repeat(20)
                + "\"},{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}";
        post(KEY_A, "/v1/chat/completions", body);
        JsonNode second = Http.json(post(KEY_A, "/v1/chat/completions", body));

        long[] after = totalsOf(KEY_A);

        long cached = second.get("usage").get("prompt_tokens_details").get("cached_tokens").asLong();
        assertThat(cached).isPositive();
        assertThat(after[2] - before[2]).isGreaterThanOrEqualTo(cached);
    }

    @Test
    void usageAnswersOpenAisUsagePageWithCostFromThePrices() throws Exception {
        post(KEY_A, "/v1/chat/completions", "{\"model\":" + model() + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}");

        JsonNode page = usage("?group_by=model&start_time=0", ADMIN);

        assertThat(page.get("object").asText()).isEqualTo("page");
        assertThat(page.get("has_more").asBoolean()).isFalse();
        JsonNode bucket = page.get("data").get(0);
        assertThat(bucket.get("object").asText()).isEqualTo("bucket");
        assertThat(bucket.get("end_time").asLong() - bucket.get("start_time").asLong()).isEqualTo(86400);
        JsonNode r = bucket.get("results").get(0);
        assertThat(r.get("object").asText()).isEqualTo("organization.usage.completions.result");
        assertThat(r.get("api_key_id").isNull()).isTrue(); // not grouped by key
        assertThat(r.get("model").asText()).isNotEmpty();
        BigDecimal expected = new BigDecimal("0.10").multiply(BigDecimal.valueOf(r.get("input_tokens").asLong()))
                .add(new BigDecimal("0.40").multiply(BigDecimal.valueOf(r.get("output_tokens").asLong())))
                .divide(BigDecimal.valueOf(1_000_000));
        assertThat(r.get("cost").get("value").decimalValue()).isEqualByComparingTo(expected);
        assertThat(r.get("cost").get("currency").asText()).isEqualTo("usd");
    }

    @Test
    void aStreamTheClientDropsIsRecordedWithTheTokensItUsed() throws Exception {
        long[] before = totalsOf(KEY_A);
        HttpRequest request = HttpRequest.newBuilder(server.uri("/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + KEY_A)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":" + model() + ",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"Go on forever.\"}],\"max_tokens\":8000,\"ignore_eos\":true,\"stream\":true}")).build();
        try (InputStream in = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream()).body()) {
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (int frames = 0; frames < 5; ) if (lines.readLine().startsWith("data: ")) frames++;
        } // the client goes away mid-stream

        long[] after = totalsOf(KEY_A);
        for (long deadline = System.nanoTime() + 20_000_000_000L; after[0] == before[0] && System.nanoTime() < deadline; ) {
            Thread.sleep(50);
            after = totalsOf(KEY_A);
        }

        assertThat(after[0] - before[0]).isEqualTo(1);
        assertThat(after[3] - before[3]).isBetween(5L, 7999L); // what it generated before the cancel, not max_tokens
    }

    @Test
    void metricsCountLostRowsWhenALedgerIsOn() throws Exception {
        MetricsScrape s = MetricsScrape.of(server.uri("/metrics"));

        assertThat(s.types()).containsEntry("cria_usage_rows_lost_total", "counter");
        assertThat(s.get("cria_usage_rows_lost_total")).isZero();
    }

    @Test
    void usageAlsoAnswersUnderOpenAisOwnPath() throws Exception {
        HttpResponse<String> r = Http.get(server.uri("/v1/organization/usage/completions?bucket_width=1h"), "Authorization", "Bearer " + ADMIN);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Http.json(r).get("object").asText()).isEqualTo("page");
    }

    @Test
    void usageNeedsTheAdminKeyAnApiKeyIs403AndNoKeyIs401() throws Exception {
        HttpResponse<String> none = Http.get(server.uri("/v1/usage"));
        HttpResponse<String> apiKey = Http.get(server.uri("/v1/usage"), "Authorization", "Bearer " + KEY_A);
        HttpResponse<String> wrong = Http.get(server.uri("/v1/usage"), "Authorization", "Bearer nope");

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(Http.json(none).get("error").get("code").asText()).isEqualTo("invalid_api_key");
        assertThat(apiKey.statusCode()).isEqualTo(403);
        assertThat(Http.json(apiKey).get("error").get("type").asText()).isEqualTo("invalid_request_error");
        assertThat(wrong.statusCode()).isEqualTo(401);
    }

    @Test
    void theAdminKeyIsNotAnApiKey() throws Exception {
        HttpResponse<String> r = post(ADMIN, "/v1/chat/completions", "{\"model\":" + model()
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":1}");

        assertThat(r.statusCode()).isEqualTo(401);
    }

    @Test
    void aBadBucketWidthIs400NamingIt() throws Exception {
        HttpResponse<String> r = Http.get(server.uri("/v1/usage?bucket_width=1w"), "Authorization", "Bearer " + ADMIN);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Http.json(r).get("error").get("param").asText()).isEqualTo("bucket_width");
    }

    @Test
    void withoutALedgerUsageIs404() throws Exception {
        try (TestServers.Running s = new TestServers.Running(server.engine(), CriaServer.start(server.engine(),
                ServerOptions.defaults(), Metering.open(new MeteringOptions(null, List.of(ADMIN), null, null, null))), false)) {
            HttpResponse<String> r = Http.get(s.uri("/v1/usage"), "Authorization", "Bearer " + ADMIN);

            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(Http.json(r).get("error").get("message").asText()).contains("--usage-db");
        }
    }

    @Test
    void theKeyIsNeverWrittenToTheDatabaseFiles() throws Exception {
        String key = "sk-never-stored-" + "q".repeat(24);
        Path db = dir.resolve("never-stored.db");
        try (TestServers.Running s = new TestServers.Running(server.engine(), CriaServer.start(server.engine(),
                ServerOptions.defaults().withApiKeys(List.of(key)).withHost("127.0.0.1"),
                Metering.open(new MeteringOptions(db, List.of(ADMIN), null, null, null))), false)) {
            for (int i = 0; i < 3; i++) {
                assertThat(Http.post(s.uri("/v1/chat/completions"), "{\"model\":" + Http.quote(s.modelId())
                                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}",
                        "Authorization", "Bearer " + key).statusCode()).isEqualTo(200);
            }
            assertNoFileHolds(key);
        }
        assertNoFileHolds(key); // after the close's checkpoint too
    }

    private static void assertNoFileHolds(String key) throws Exception {
        byte[] needle = key.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.filter(f -> f.getFileName().toString().startsWith("never-stored.db")).toList();
            assertThat(all).isNotEmpty();
            for (Path f : all) {
                byte[] bytes = Files.readAllBytes(f);
                assertThat(indexOf(bytes, needle)).as(f.toString()).isEqualTo(-1);
            }
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }
}
