package dev.cria.cli;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three {@code cria serve} processes behind a real load balancer (Debian's HAProxy: least
 * connections, health checks on {@code /ready}), as replicas run behind a Service or the inference
 * gateway, here without a cluster: requests spread over the replicas; a replica stopped with
 * SIGTERM (what a pod deletion sends) turns unready, finishes its streams and loses no request;
 * a replica killed with SIGKILL fails its in-flight streams at once and new requests go elsewhere.
 * The replicas' --shutdown-delay (3 s) must outlast the balancer's noticing /ready turn 503 (health
 * checks every 200 ms, on a machine that may be loaded): with 1 s, a request could still reach a
 * replica that had begun to refuse work, which is what the delay exists to prevent.
 * Skipped where no {@code haproxy} is installed ({@code apt-get install haproxy}).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LoadBalancedReplicasTest {
    private static final String KEY = "replica-test-key";
    /** Long enough that a stream is still running when the test stops its replica (a second or more of tiny-model tokens). */
    private static final String LONG_STREAM = "{\"model\":\"tiny-llama3-F16\",\"messages\":[{\"role\":\"user\",\"content\":\"go\"}],"
            + "\"max_tokens\":500,\"ignore_eos\":true,\"stream\":true}";
    private static final String SHORT = "{\"model\":\"tiny-llama3-F16\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":8}";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;
    private static final List<Replica> replicas = new ArrayList<>();
    private static Process haproxy;
    private static int frontPort;

    record Replica(String name, int port, Process process) {
    }

    /** One stream through the balancer: which replica served it, and how it ended. */
    record StreamEnd(String replica, boolean done, long endedNanos) {
    }

    @BeforeAll
    static void startReplicasAndBalancer() throws Exception {
        // Never skipped: bin/test (what CI runs) installs haproxy when it is missing.
        if (haproxyPath() == null) throw new IllegalStateException("haproxy is not installed: bin/test installs it (apt-get install haproxy)");
        Path keys = Files.writeString(dir.resolve("keys"), KEY + "\n");
        for (int i = 0; i < 3; i++) {
            int port = freePort();
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Xmx512m", "-XX:+UseSerialGC"));
            // bin/cria's JIT flags (bin/jdk25.sh exports them): without them the kernels may run several times slower.
            String jit = System.getenv("CRIA_JIT_FLAGS");
            if (jit != null && !jit.isBlank()) command.addAll(List.of(jit.strip().split("\\s+")));
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "serve", CliTest.TINY, "--host", "127.0.0.1", "--port", Integer.toString(port), "--api-key-file", keys.toString(),
                    "--threads", "1", "--parallel", "4", "--shutdown-delay", "3", "--shutdown-timeout", "60"));
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(dir.resolve("r" + i + ".log").toFile());
            replicas.add(new Replica("r" + i, port, pb.start()));
        }
        for (Replica r : replicas) awaitStatus("http://127.0.0.1:" + r.port() + "/ready", 200, Duration.ofSeconds(60));
        // A fresh JVM runs the kernels interpreted at first: warm each replica so streams take seconds, not minutes.
        for (Replica r : replicas) {
            for (int i = 0; i < 2; i++) {
                HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + r.port() + "/v1/chat/completions"))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + KEY)
                        .POST(HttpRequest.BodyPublishers.ofString(SHORT.replace("\"max_tokens\":8", "\"max_tokens\":200,\"ignore_eos\":true")))
                        .build(), HttpResponse.BodyHandlers.discarding());
            }
        }
        frontPort = freePort();
        Path cfg = Files.writeString(dir.resolve("haproxy.cfg"), haproxyConfig());
        haproxy = new ProcessBuilder(haproxyPath(), "-db", "-f", cfg.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        awaitStatus("http://127.0.0.1:" + frontPort + "/ready", 200, Duration.ofSeconds(20));
    }

    /**
     * Least connections (a long stream weighs on its replica as long as it runs), health checks on
     * /ready every 200 ms (down after one failure, up after two passes), and a request whose
     * connection fails is retried on another replica (redispatch on every retry), as a Service's endpoints and the
     * gateway's picker avoid a pod that is not ready.
     */
    private static String haproxyConfig() {
        StringBuilder servers = new StringBuilder();
        for (Replica r : replicas) servers.append("  server ").append(r.name()).append(" 127.0.0.1:").append(r.port()).append(" check\n");
        return """
                global
                  maxconn 256
                defaults
                  mode http
                  timeout connect 2s
                  timeout client 120s
                  timeout server 120s
                  retries 2
                  option redispatch 1
                  option http-buffer-request
                  retry-on conn-failure empty-response
                frontend front
                  bind 127.0.0.1:%d
                  default_backend cria
                backend cria
                  balance leastconn
                  option httpchk GET /ready
                  http-check expect status 200
                  default-server inter 200ms fall 1 rise 2
                  http-response set-header X-Cria-Replica %%s
                %s""".formatted(frontPort, servers);
    }

    @AfterAll
    static void stopAll() {
        if (haproxy != null) haproxy.destroyForcibly();
        for (Replica r : replicas) r.process().destroyForcibly();
    }

    @Test
    @Order(1)
    void requestsSpreadOverEveryReplica() throws Exception {
        Set<String> served = new HashSet<>();
        for (int i = 0; i < 9; i++) {
            HttpResponse<String> r = post(SHORT);
            assertThat(r.statusCode()).isEqualTo(200);
            served.add(r.headers().firstValue("x-cria-replica").orElseThrow());
        }

        assertThat(served).containsExactlyInAnyOrder("r0", "r1", "r2");
    }

    @Test
    @Order(2)
    void aReplicaStoppedWithSigtermFinishesItsStreamsAndNoRequestIsLost() throws Exception {
        Replica drained = replicas.get(0);
        List<CompletableFuture<StreamEnd>> streams = startStreams(6);
        awaitStreamOn(streams, drained.name());
        long sigterm = System.nanoTime();
        drained.process().destroy(); // SIGTERM
        List<HttpResponse<String>> meanwhile = new ArrayList<>();
        while (drained.process().isAlive() && System.nanoTime() - sigterm < Duration.ofSeconds(60).toNanos()) {
            meanwhile.add(post(SHORT));
            Thread.sleep(100);
        }

        assertThat(drained.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(drained.process().exitValue()).isZero();
        List<StreamEnd> ends = new ArrayList<>();
        for (CompletableFuture<StreamEnd> s : streams) ends.add(s.get());
        assertThat(ends).allMatch(StreamEnd::done);
        assertThat(ends).filteredOn(e -> e.replica().equals(drained.name()))
                .as("the drained replica had streams in flight and finished them after SIGTERM")
                .isNotEmpty().allMatch(e -> e.endedNanos() > sigterm);
        assertThat(meanwhile).as("requests sent while the replica drained: %s",
                meanwhile.stream().filter(r -> r.statusCode() != 200).map(r -> r.statusCode() + " " + r.body()).toList())
                .isNotEmpty().allMatch(r -> r.statusCode() == 200);
    }

    @Test
    @Order(3)
    void aKilledReplicasStreamsFailFastAndNewRequestsGoElsewhere() throws Exception {
        Replica killed = replicas.get(1);
        List<CompletableFuture<StreamEnd>> streams = startStreams(4);
        awaitStreamOn(streams, killed.name());
        long kill = System.nanoTime();
        killed.process().destroyForcibly(); // SIGKILL
        List<HttpResponse<String>> after = new ArrayList<>();
        for (int i = 0; i < 10; i++) after.add(post(SHORT));

        List<StreamEnd> ends = new ArrayList<>();
        for (CompletableFuture<StreamEnd> s : streams) ends.add(s.get());
        assertThat(ends).filteredOn(e -> e.replica().equals(killed.name())).isNotEmpty()
                .allMatch(e -> !e.done())
                .allMatch(e -> e.endedNanos() - kill < Duration.ofSeconds(5).toNanos());
        assertThat(ends).filteredOn(e -> !e.replica().equals(killed.name())).allMatch(StreamEnd::done);
        assertThat(after).allMatch(r -> r.statusCode() == 200)
                .allMatch(r -> r.headers().firstValue("x-cria-replica").orElseThrow().equals("r2"));
    }

    private static List<CompletableFuture<StreamEnd>> startStreams(int n) {
        STARTED_ON.clear();
        List<CompletableFuture<StreamEnd>> streams = new ArrayList<>();
        for (int i = 0; i < n; i++) streams.add(CompletableFuture.supplyAsync(LoadBalancedReplicasTest::stream));
        return streams;
    }

    /** Started streams are recorded by replica as their headers arrive; waits until one runs on {@code replica}. */
    private static void awaitStreamOn(List<CompletableFuture<StreamEnd>> streams, String replica) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!STARTED_ON.contains(replica) && System.nanoTime() < deadline) Thread.sleep(10);
        assertThat(STARTED_ON).as("a stream running on " + replica).contains(replica);
    }

    private static final Set<String> STARTED_ON = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static StreamEnd stream() {
        String replica = "?";
        try {
            HttpResponse<java.io.InputStream> r = HTTP.send(request(LONG_STREAM), HttpResponse.BodyHandlers.ofInputStream());
            replica = r.headers().firstValue("x-cria-replica").orElse("?");
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                boolean started = false;
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    if (!started && line.startsWith("data: ")) {
                        started = true;
                        STARTED_ON.add(replica);
                    }
                    if (line.equals("data: [DONE]")) return new StreamEnd(replica, true, System.nanoTime());
                }
            }
            return new StreamEnd(replica, false, System.nanoTime());
        } catch (IOException e) {
            return new StreamEnd(replica, false, System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new StreamEnd(replica, false, System.nanoTime());
        }
    }

    private static HttpRequest request(String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + frontPort + "/v1/chat/completions"))
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + KEY)
                .timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static HttpResponse<String> post(String body) throws Exception {
        return HTTP.send(request(body), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitStatus(String url, int status, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == status) return;
            } catch (IOException notYet) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) throw new AssertionError(url + " did not answer " + status + " within " + within);
            Thread.sleep(100);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String haproxyPath() {
        for (String dirName : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin")) {
            Path p = Path.of(dirName, "haproxy");
            if (Files.isExecutable(p)) return p.toString();
        }
        return null;
    }
}
