package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request bodies on the wire: the size limit holds however the body is framed (RFC 9112 §6:
 * Content-Length or chunked), and broken framing is a 400 (a stalled body a 408), always in the
 * OpenAI envelope. Raw sockets, because an HTTP client library will not send broken framing.
 */
class RequestBodyTest {
    private static final int LIMIT = 64 * 1024;
    private static TestServers.Running server;

    @BeforeAll
    static void start() {
        server = TestServers.scripted(ScriptedEngine.quick(), ServerOptions.defaults().withMaxBodyBytes(LIMIT)
                .withIdleTimeout(Duration.ofSeconds(2)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static final String CHUNKED_HEAD = "POST /v1/completions HTTP/1.1\r\nHost: localhost\r\n"
            + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";

    private static byte[] chunk(byte[] data) {
        byte[] head = (Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + data.length + 2];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(data, 0, out, head.length, data.length);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }

    /** A short completion request padded with JSON whitespace to {@code bytes} (RFC 8259 §2 allows it after the value). */
    private static byte[] completionOfSize(int bytes) {
        String json = "{\"model\":\"scripted-llama\",\"max_tokens\":1,\"prompt\":\"hi\"}";
        return (json + " ".repeat(Math.max(0, bytes - json.length()))).getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode error(RawExchange r, int status) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("content-type")).startsWith("application/json");
        assertThat(r.header("x-request-id")).isNotBlank();
        JsonNode e = r.json().get("error");
        assertThat(e.has("message") && e.has("type") && e.has("param") && e.has("code")).isTrue();
        return e;
    }

    @Test
    void aChunkedBodyOverTheLimitIs413() throws Exception {
        byte[] body = completionOfSize(16 * LIMIT);
        RawExchange r = RawExchange.send(server.server().port(), CHUNKED_HEAD.getBytes(StandardCharsets.US_ASCII), out -> {
            for (int i = 0; i < body.length; i += 8192) {
                out.write(chunk(java.util.Arrays.copyOfRange(body, i, Math.min(body.length, i + 8192))));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        });

        assertThat(error(r, 413).get("code").asText()).isEqualTo("request_too_large");
    }

    @Test
    void aChunkedBodyIsRefusedAsSoonAsItPassesTheLimitNotWhenItEnds() throws Exception {
        // limit + 1 bytes, then the body stalls (no last chunk): only a server that counts while it
        // reads can answer before the connection's idle timeout.
        long t0 = System.nanoTime();
        RawExchange r = RawExchange.send(server.server().port(), CHUNKED_HEAD.getBytes(StandardCharsets.US_ASCII), out -> {
            out.write(chunk(new byte[LIMIT + 1]));
            out.flush();
            Thread.sleep(RawExchange.READ_TIMEOUT_MS);
        });

        assertThat(error(r, 413).get("code").asText()).isEqualTo("request_too_large");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void aChunkedBodyWithinTheLimitIsServed() throws Exception {
        byte[] body = completionOfSize(LIMIT / 2);
        RawExchange r = RawExchange.send(server.server().port(), CHUNKED_HEAD.getBytes(StandardCharsets.US_ASCII), out -> {
            out.write(chunk(java.util.Arrays.copyOfRange(body, 0, 100)));
            out.write(chunk(java.util.Arrays.copyOfRange(body, 100, body.length)));
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        });

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("object").asText()).isEqualTo("text_completion");
    }

    @Test
    void aContentLengthOverTheLimitIs413BeforeTheBodyIsRead() throws Exception {
        long t0 = System.nanoTime();
        RawExchange r = RawExchange.send(server.server().port(), "POST /v1/completions HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + (LIMIT + 1) + "\r\n\r\n");

        assertThat(error(r, 413).get("code").asText()).isEqualTo("request_too_large");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("no byte of the body was sent").isLessThan(Duration.ofMillis(1500));
    }

    @Test
    void aChunkSizeThatIsNotHexIs400() throws Exception {
        RawExchange r = RawExchange.send(server.server().port(), CHUNKED_HEAD + "zz\r\n{}\r\n0\r\n\r\n");

        error(r, 400);
    }

    @Test
    void aChunkSizeThatOverflowsIs400() throws Exception {
        RawExchange r = RawExchange.send(server.server().port(), CHUNKED_HEAD + "ffffffffffffffff\r\n{}\r\n0\r\n\r\n");

        error(r, 400);
    }

    @Test
    void chunkedFramingAroundABodyThatIsNotChunkedIs400() throws Exception {
        RawExchange r = RawExchange.send(server.server().port(), CHUNKED_HEAD
                + "{\"model\":\"scripted-llama\",\"prompt\":\"hi\"}");

        error(r, 400);
    }

    @Test
    void aBodyShorterThanItsContentLengthIs400WhenTheClientStopsSending() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.server().port())) {
            socket.setSoTimeout(RawExchange.READ_TIMEOUT_MS);
            socket.getOutputStream().write(("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100\r\n\r\n{\"model\":").getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput(); // the client says it has sent everything: 10 of 100 bytes
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(response).startsWith("HTTP/1.1 400 ");
            assertThat(response).containsIgnoringCase("x-request-id:").contains("\"error\":{");
        }
    }

    @Test
    void aBodyThatStallsBeforeItsContentLengthIs408AfterTheIdleTimeout() throws Exception {
        long t0 = System.nanoTime();
        byte[] head = ("POST /v1/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100\r\n\r\n{\"model\":").getBytes(StandardCharsets.US_ASCII);
        RawExchange r = RawExchange.send(server.server().port(), head, out -> {
            out.flush();
            Thread.sleep(RawExchange.READ_TIMEOUT_MS); // 10 of 100 bytes, connection kept open
        });

        error(r, 408);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(1500), Duration.ofSeconds(10));
    }
}
