package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What needs the engine observed: disconnects, a full queue, loading, draining. Runs on the scripted engine.
 * The tests that wait for the server or the engine to get somewhere have a {@link Timeout}: each takes well
 * under a second here, and 30 s leaves room for a loaded 2-core CI machine, but a server that never gets
 * there fails the test instead of hanging the build.
 */
class ServerLifecycleTest {
    private static final String LONG_STREAM = "{\"model\":\"scripted-llama\",\"messages\":[{\"role\":\"user\",\"content\":\"go\"}],"
            + "\"max_tokens\":3000,\"ignore_eos\":true,\"stream\":true}";

    // SEPARATE_THREAD: the socket read below does not answer an interrupt, so the timeout could not stop it in the test's thread
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aClientThatDisconnectsMidStreamCancelsItsGeneration() throws Exception {
        ScriptedEngine engine = new ScriptedEngine(4096, 8, Duration.ofMillis(10));
        try (TestServers.Running s = TestServers.scripted(engine, ServerOptions.defaults())) {
            try (Socket socket = new Socket("127.0.0.1", s.server().port())) {
                byte[] body = LONG_STREAM.getBytes(StandardCharsets.UTF_8);
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
                InputStream in = socket.getInputStream();
                String seen = "";
                byte[] buf = new byte[4096];
                while (!seen.contains("\"content\":\"") || seen.split("data: ").length < 4) {
                    int n = in.read(buf);
                    assertThat(n).isPositive();
                    seen += new String(buf, 0, n, StandardCharsets.UTF_8);
                }
            }
            long closedAt = System.nanoTime();
            while (engine.cancelled.get() == 0 && System.nanoTime() - closedAt < Duration.ofSeconds(5).toNanos()) Thread.sleep(2);
            long tookMs = (System.nanoTime() - closedAt) / 1_000_000;

            assertThat(engine.cancelled.get()).isEqualTo(1);
            assertThat(tookMs).as("cancelled within a few token steps of 10 ms").isLessThan(1000);
            assertThat(engine.lastCompletionTokens).isLessThan(3000);
        }
    }

    @Test
    void aFullQueueIs429WithRetryAfter() throws Exception {
        try (TestServers.Running s = TestServers.scripted(new ScriptedEngine(512, 0, Duration.ZERO), ServerOptions.defaults())) {
            HttpResponse<String> r = Http.post(s.uri("/v1/chat/completions"),
                    "{\"model\":\"scripted-llama\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.headers().firstValue("retry-after")).isPresent();
            assertThat(Http.json(r).at("/error/code").asText()).isEqualTo("queue_full");
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void whileLoadingTheServerIsAliveButNotReadyAndTheApiIs503() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ScriptedEngine engine = ScriptedEngine.quick();
        CriaServer server = CriaServer.startLoading(() -> {
            release.await();
            return engine;
        }, ServerOptions.defaults());
        try {
            String base = "http://127.0.0.1:" + server.port();
            HttpResponse<String> loadingHealth = Http.get(java.net.URI.create(base + "/health"));
            HttpResponse<String> loadingReady = Http.get(java.net.URI.create(base + "/ready"));
            HttpResponse<String> loadingModels = Http.get(java.net.URI.create(base + "/v1/models"));
            release.countDown();
            server.awaitLoaded();
            HttpResponse<String> readyHealth = Http.get(java.net.URI.create(base + "/health"));
            HttpResponse<String> readyReady = Http.get(java.net.URI.create(base + "/ready"));

            assertThat(loadingHealth.statusCode()).isEqualTo(200);
            assertThat(Http.json(loadingHealth).get("status").asText()).isEqualTo("loading");
            assertThat(loadingReady.statusCode()).isEqualTo(503);
            assertThat(Http.json(loadingReady).at("/error/type").asText()).isEqualTo("unavailable_error");
            assertThat(loadingModels.statusCode()).isEqualTo(503);
            assertThat(readyHealth.statusCode()).isEqualTo(200);
            assertThat(Http.json(readyHealth).get("status").asText()).isEqualTo("ok");
            assertThat(readyReady.statusCode()).isEqualTo(200);
        } finally {
            server.stop();
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aModelThatFailedToLoadIsNotAliveEither() throws Exception {
        CriaServer server = CriaServer.startLoading(() -> {
            throw new IllegalStateException("no such tensor");
        }, ServerOptions.defaults());
        try {
            try {
                server.awaitLoaded();
            } catch (IllegalStateException expected) {
                // the load failed, as it should here
            }
            HttpResponse<String> health = Http.get(java.net.URI.create("http://127.0.0.1:" + server.port() + "/health"));

            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(Http.json(health).at("/error/message").asText()).contains("no such tensor");
        } finally {
            server.stop();
        }
    }

    /**
     * What a SIGTERM does (cria serve calls stop()): readiness turns false at once while liveness
     * stays true; for the shutdown delay new requests are still served (a load balancer may still
     * send some); then they get 503, and the stream that was in flight all along still ends whole.
     */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void stopTurnsUnreadyFirstThenRefusesNewWorkWhileTheInFlightStreamCompletes() throws Exception {
        ScriptedEngine engine = new ScriptedEngine(512, 8, Duration.ofMillis(10));
        Duration delay = Duration.ofMillis(1500);
        TestServers.Running s = TestServers.scripted(engine, ServerOptions.defaults()
                .withShutdownDelay(delay).withShutdownTimeout(Duration.ofSeconds(20)));
        String stream = "{\"model\":\"scripted-llama\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + "\"max_tokens\":300,\"ignore_eos\":true,\"stream\":true}";
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> post(s, stream));
        while (engine.started.get() == 0) Thread.sleep(2);
        assertThat(Http.get(s.uri("/ready")).statusCode()).isEqualTo(200);
        long t0 = System.nanoTime();
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(s::close);
        HttpResponse<String> ready;
        do {
            ready = Http.get(s.uri("/ready"));
        } while (ready.statusCode() == 200);
        HttpResponse<String> health = Http.get(s.uri("/health"));
        HttpResponse<String> duringDelay = Http.get(s.uri("/v1/models"));
        boolean stillInDelay = System.nanoTime() - t0 < delay.toNanos();
        while (System.nanoTime() - t0 < delay.toNanos() + Duration.ofMillis(300).toNanos()) Thread.sleep(10);
        HttpResponse<String> afterDelay = Http.get(s.uri("/v1/models"));
        HttpResponse<String> healthDraining = Http.get(s.uri("/health"));

        assertThat(ready.statusCode()).isEqualTo(503);
        assertThat(Http.json(ready).at("/error/message").asText()).contains("shutting down");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(Http.json(health).get("status").asText()).isEqualTo("draining");
        assertThat(stillInDelay).as("the checks above ran within the delay").isTrue();
        assertThat(duringDelay.statusCode()).isEqualTo(200);
        assertThat(afterDelay.statusCode()).isEqualTo(503);
        assertThat(healthDraining.statusCode()).isEqualTo(200);
        assertThat(inFlight.get().body()).endsWith("data: [DONE]\n\n");
        assertThat(engine.cancelled.get()).isZero();
        stopping.get();
    }

    private static HttpResponse<String> post(TestServers.Running s, String body) {
        try {
            return Http.post(s.uri("/v1/chat/completions"), body);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void stopLetsAnInFlightStreamFinish() throws Exception {
        ScriptedEngine engine = new ScriptedEngine(512, 8, Duration.ofMillis(10));
        TestServers.Running s = TestServers.scripted(engine, ServerOptions.defaults().withShutdownTimeout(Duration.ofSeconds(10)));
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return Http.post(s.uri("/v1/chat/completions"), "{\"model\":\"scripted-llama\",\"messages\":"
                        + "[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":30,\"ignore_eos\":true,\"stream\":true}");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        while (engine.started.get() == 0) Thread.sleep(2);
        s.close();

        HttpResponse<String> r = inFlight.get();
        assertThat(r.body()).endsWith("data: [DONE]\n\n");
        assertThat(engine.cancelled.get()).isZero();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void stopCancelsWhatOutlivesTheShutdownTimeout() throws Exception {
        ScriptedEngine engine = new ScriptedEngine(4096, 8, Duration.ofMillis(10));
        TestServers.Running s = TestServers.scripted(engine, ServerOptions.defaults().withShutdownTimeout(Duration.ofMillis(200)));
        CompletableFuture<HttpResponse<String>> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return Http.post(s.uri("/v1/chat/completions"), LONG_STREAM);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        while (engine.started.get() == 0) Thread.sleep(2);
        long t0 = System.nanoTime();
        s.close();
        long stopMs = (System.nanoTime() - t0) / 1_000_000;

        assertThat(engine.cancelled.get()).isEqualTo(1);
        assertThat(stopMs).isLessThan(5000);
        String last = Http.frames(inFlight.get().body()).getLast();
        assertThat(last).startsWith("event: error");
    }

    @Test
    void toolCallsComeBackInTheOpenAiShape() throws Exception {
        String tools = ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"description\":\"Weather\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}}}]";
        String body = "{\"model\":\"scripted-llama\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]" + tools;
        try (TestServers.Running s = TestServers.scripted(ScriptedEngine.quick(), ServerOptions.defaults())) {
            JsonNode c = Http.json(Http.post(s.uri("/v1/chat/completions"), body + "}"));
            var chunks = Http.chunks(Http.post(s.uri("/v1/chat/completions"), body + ",\"stream\":true}").body());

            assertThat(c.at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
            assertThat(c.at("/choices/0/message/content").isNull()).isTrue();
            JsonNode call = c.at("/choices/0/message/tool_calls/0");
            assertThat(call.get("id").asText()).startsWith("call_");
            assertThat(call.get("type").asText()).isEqualTo("function");
            assertThat(call.at("/function/name").asText()).isEqualTo("get_weather");
            assertThat(Http.json(call.at("/function/arguments").asText()).get("city").asText()).isEqualTo("Paris");

            assertThat(chunks.stream().filter(ch -> ch.at("/choices/0/delta/content").isTextual()
                    && !ch.at("/choices/0/delta/content").asText().isEmpty())).isEmpty();
            assertThat(chunks.stream().anyMatch(ch -> ch.at("/choices/0/delta/tool_calls/0/function/name").asText()
                    .equals("get_weather"))).isTrue();
            assertThat(chunks.getLast().at("/choices/0/finish_reason").asText()).isEqualTo("tool_calls");
        }
    }

    @Test
    void anAssistantToolCallAndToolResultAreAcceptedInHistory() throws Exception {
        String body = "{\"model\":\"scripted-llama\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\\\"Paris\\\"}\"}}]},"
                + "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"sunny\"}]}";
        try (TestServers.Running s = TestServers.scripted(ScriptedEngine.quick(), ServerOptions.defaults())) {
            assertThat(Http.post(s.uri("/v1/chat/completions"), body).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void withoutKeysTheServerBindsToLoopback() {
        assertThat(ServerOptions.defaults().bindHost()).isEqualTo("127.0.0.1");
        assertThat(ServerOptions.defaults().withApiKeys(java.util.List.of("k")).bindHost()).isEqualTo("0.0.0.0");
        assertThat(ServerOptions.defaults().withHost("0.0.0.0").bindHost()).isEqualTo("0.0.0.0");
    }

}
