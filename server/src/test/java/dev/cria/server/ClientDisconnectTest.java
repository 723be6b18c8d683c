package dev.cria.server;

import dev.cria.engine.EngineStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client that drops a stream frees its sequence on the real engine: the server's next write fails,
 * it cancels, and the engine loop releases the KV blocks at its next step.
 */
class ClientDisconnectTest {
    @RegisterExtension
    static final ClassServer server = new ClassServer();

    /** Opens a stream that would run for thousands of tokens and reads until {@code frames} chunks arrived. */
    private static Socket streamAndRead(String path, String body, int frames) throws Exception {
        Socket socket = new Socket("127.0.0.1", server.server().port());
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + bytes.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder seen = new StringBuilder();
        byte[] buf = new byte[4096];
        while (seen.toString().split("data: ").length <= frames) {
            int n = in.read(buf);
            assertThat(n).as("the stream is still open").isPositive();
            seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        return socket;
    }

    /** Polls until nothing runs and no KV block is held by a sequence; returns how long that took. */
    private static Duration awaitIdle(Duration limit) throws InterruptedException {
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < limit.toNanos()) {
            EngineStats s = server.engine().stats();
            if (s.requestsRunning() == 0 && s.requestsWaiting() == 0 && s.kvBlocksUsed() == 0) break;
            Thread.sleep(1);
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    @Test
    void droppingAChatStreamFreesTheSequenceAndItsKvBlocks() throws Exception {
        long cancelledBefore = server.engine().stats().requestsCancelledTotal();
        long generatedBefore = server.engine().stats().generatedTokensTotal();
        String body = "{\"model\":" + Http.quote(server.modelId()) + ",\"messages\":[{\"role\":\"user\",\"content\":\"Go on forever.\"}],"
                + "\"max_tokens\":8000,\"ignore_eos\":true,\"stream\":true}";
        try (Socket ignored = streamAndRead("/v1/chat/completions", body, 4)) {
            assertThat(server.engine().stats().requestsRunning()).isEqualTo(1);
            assertThat(server.engine().stats().kvBlocksUsed()).isPositive();
        }
        Duration took = awaitIdle(Duration.ofSeconds(5));
        EngineStats after = server.engine().stats();

        assertThat(after.requestsRunning()).isZero();
        assertThat(after.kvBlocksUsed()).as("blocks held by sequences (cached idle ones excluded)").isZero();
        assertThat(after.requestsCancelledTotal() - cancelledBefore).as("cancelled, not run to max_tokens").isEqualTo(1);
        assertThat(after.generatedTokensTotal() - generatedBefore).isLessThan(8000);
        assertThat(took).as("freed within a few token steps").isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void droppingACompletionStreamWithSeveralChoicesCancelsThemAll() throws Exception {
        long cancelledBefore = server.engine().stats().requestsCancelledTotal();
        String body = "{\"model\":" + Http.quote(server.modelId()) + ",\"prompt\":\"Once upon a time\",\"n\":3,"
                + "\"max_tokens\":8000,\"ignore_eos\":true,\"stream\":true}";
        try (Socket ignored = streamAndRead("/v1/completions", body, 6)) {
            assertThat(server.engine().stats().requestsRunning()).isEqualTo(3);
        }
        Duration took = awaitIdle(Duration.ofSeconds(5));
        EngineStats after = server.engine().stats();

        assertThat(after.requestsRunning()).isZero();
        assertThat(after.kvBlocksUsed()).isZero();
        assertThat(after.requestsCancelledTotal() - cancelledBefore).isEqualTo(3);
        assertThat(took).as("freed within a few token steps").isLessThan(Duration.ofSeconds(2));
    }
}
