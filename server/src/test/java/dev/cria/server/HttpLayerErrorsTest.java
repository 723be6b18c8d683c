package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests that Jetty refuses before (or while) routing them still get the OpenAI envelope and an
 * {@code x-request-id}, never Jetty's HTML error page.
 */
class HttpLayerErrorsTest {
    @RegisterExtension
    static final ClassServer server = ClassServer.scripted();

    private static JsonNode error(String request, int status) throws Exception {
        RawExchange r = RawExchange.send(server.server().port(), request);

        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("content-type")).startsWith("application/json");
        assertThat(r.header("x-request-id")).startsWith("req_");
        JsonNode e = r.json().get("error");
        assertThat(e).as(r.body()).isNotNull();
        assertThat(e.has("message") && e.has("type") && e.has("param") && e.has("code")).isTrue();
        return e;
    }

    @Test
    void aHeaderWithBadSyntaxIs400() throws Exception {
        error("GET /health HTTP/1.1\r\nHost: localhost\r\nBad Header: x\r\n\r\n", 400);
    }

    @Test
    void aNulByteInThePathIs400() throws Exception {
        error("GET /hea\0lth HTTP/1.1\r\nHost: localhost\r\n\r\n", 400);
    }

    @Test
    void anEncodedNulInThePathIs400() throws Exception {
        error("GET /hea%00lth HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 400);
    }

    @Test
    void aPathThatClimbsAboveTheRootIs400() throws Exception {
        error("GET /../health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 400);
    }

    @Test
    void anEncodedDotDotSegmentIsNotResolvedButAnUnknownPath() throws Exception {
        error("GET /v1/%2e%2e/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n", 404);
    }

    @Test
    void aUriTooLongIs414() throws Exception {
        error("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n", 414);
    }

    @Test
    void headersTooLargeAre431() throws Exception {
        error("GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n", 431);
    }

    @Test
    void anUnsupportedHttpVersionIs505() throws Exception {
        error("GET /health HTTP/3.0\r\nHost: localhost\r\n\r\n", 505);
    }

    @Test
    void anHttp2PrefaceOnThisHttp11PortIs426() throws Exception {
        error("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", 426);
    }
}
