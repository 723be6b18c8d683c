package dev.cria.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The usage ledger survives a crash: a {@code cria serve --usage-db} process killed with SIGKILL in
 * the middle of a load, then started again on the same file, reports every request whose answer a
 * client received whole; only requests still in flight at the kill may be missing.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class UsageLedgerCrashTest {
    private static final String KEY = "crash-test-key";
    private static final String ADMIN = "crash-test-admin";
    private static final String CHAT = "{\"model\":\"tiny-llama3-F16\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
            + "\"max_tokens\":8,\"ignore_eos\":true}";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void afterAKillTheTotalsHoldEveryRequestThatCompleted() throws Exception {
        Path db = dir.resolve("usage.db");
        Files.writeString(dir.resolve("keys"), KEY + "\n");
        Files.writeString(dir.resolve("admin"), ADMIN + "\n");

        int port = freePort();
        Process first = serve(port, db, "first.log");
        AtomicLong sent = new AtomicLong(), completed = new AtomicLong(), completionTokens = new AtomicLong();
        AtomicBoolean load = new AtomicBoolean(true);
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            clients.add(Thread.ofPlatform().start(() -> {
                while (load.get()) {
                    sent.incrementAndGet();
                    try {
                        HttpResponse<String> r = HTTP.send(chat(port), HttpResponse.BodyHandlers.ofString());
                        if (r.statusCode() != 200) continue;
                        JsonNode usage = JSON.readTree(r.body()).get("usage"); // the whole body arrived
                        completionTokens.addAndGet(usage.get("completion_tokens").asLong());
                        completed.incrementAndGet();
                    } catch (IOException | InterruptedException gone) {
                        // the server was killed under this request: it was in flight
                    }
                }
            }));
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (completed.get() < 40 && System.nanoTime() < deadline) Thread.sleep(20);
        assertThat(completed.get()).as("requests completed before the kill").isGreaterThanOrEqualTo(40);

        load.set(false); // no new requests; those in flight now are killed with the server
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no drain, no checkpoint
        first.waitFor();
        for (Thread t : clients) t.join();
        long done = completed.get(), tried = sent.get();

        Process second = serve(port, db, "second.log");
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/usage"))
                    .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            long requests = 0, output = 0;
            for (JsonNode bucket : JSON.readTree(r.body()).get("data")) {
                for (JsonNode res : bucket.get("results")) {
                    requests += res.get("num_model_requests").asLong();
                    output += res.get("output_tokens").asLong();
                }
            }

            System.out.printf("usage ledger after SIGKILL: %d requests sent, %d completed, %d in the ledger%n", tried, done, requests);
            assertThat(requests).as("rows after the kill (completed %d, sent %d)", done, tried).isBetween(done, tried);
            assertThat(output).isGreaterThanOrEqualTo(completionTokens.get());
        } finally {
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static HttpRequest chat(int port) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + KEY)
                .POST(HttpRequest.BodyPublishers.ofString(CHAT)).build();
    }

    private Process serve(int port, Path db, String log) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-XX:+UseSerialGC"));
        String jit = System.getenv("CRIA_JIT_FLAGS");
        if (jit != null && !jit.isBlank()) command.addAll(List.of(jit.strip().split("\\s+")));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", CliTest.TINY, "--host", "127.0.0.1", "--port", Integer.toString(port),
                "--api-key-file", dir.resolve("keys").toString(), "--admin-key-file", dir.resolve("admin").toString(),
                "--usage-db", db.toString(), "--threads", "1", "--parallel", "4"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) return p;
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new AssertionError("cria serve did not become ready: " + Files.readString(dir.resolve(log)));
            }
            Thread.sleep(100);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
