package dev.cria.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** With --cors ORIGIN every response says Vary: Origin, errors included, so no cache serves one origin's answer to another. */
class CorsTest {
    private static final String ORIGIN = "https://app.example";
    private static TestServers.Running server;

    @BeforeAll
    static void start() {
        server = TestServers.scripted(ScriptedEngine.quick(), ServerOptions.defaults().withHost("127.0.0.1")
                .withApiKeys(List.of("k1")).withCorsOrigins(List.of(ORIGIN)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static RawExchange send(String method, String path, String headers) throws Exception {
        return RawExchange.send(server.server().port(), method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nOrigin: " + ORIGIN
                + "\r\n" + headers + "Connection: close\r\n\r\n");
    }

    @Test
    void a401ToAnAllowedOriginCarriesVaryOrigin() throws Exception {
        RawExchange r = send("GET", "/v1/models", "");

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("vary")).containsIgnoringCase("origin");
        assertThat(r.header("access-control-allow-origin")).isEqualTo(ORIGIN);
    }

    @Test
    void aPreflightToAnUnknownPathCarriesVaryOrigin() throws Exception {
        RawExchange r = send("OPTIONS", "/v1/nothing", "Access-Control-Request-Method: POST\r\n");

        assertThat(r.header("vary")).as("status " + r.status()).containsIgnoringCase("origin");
    }

    @Test
    void anErrorForAnUnknownPathToAnAllowedOriginCarriesVaryOrigin() throws Exception {
        RawExchange r = send("GET", "/v1/nothing", "Authorization: Bearer k1\r\n");

        assertThat(r.status()).isGreaterThanOrEqualTo(400);
        assertThat(r.header("vary")).containsIgnoringCase("origin");
    }

    @Test
    void anUnknownPathIs404WithCorsOnNot405() throws Exception {
        RawExchange r = send("GET", "/v1/nothing", "Authorization: Bearer k1\r\n");

        assertThat(r.status()).isEqualTo(404);
    }

    @Test
    void aPreflightToAnApiPathIsAnswered() throws Exception {
        RawExchange r = send("OPTIONS", "/v1/chat/completions", "Access-Control-Request-Method: POST\r\n");

        assertThat(r.status()).isEqualTo(204);
        assertThat(r.header("access-control-allow-methods")).contains("POST");
    }

    @Test
    void aSuccessToAnAllowedOriginCarriesVaryOrigin() throws Exception {
        RawExchange r = send("GET", "/v1/models", "Authorization: Bearer k1\r\n");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("vary")).containsIgnoringCase("origin");
    }

    @Test
    void aCompressedResponseCarriesVaryOriginBesideAcceptEncoding() throws Exception {
        RawExchange r = send("GET", "/metrics", "Accept-Encoding: gzip\r\n");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("vary")).containsIgnoringCase("origin");
    }

    @Test
    void aPathRefusedByTheHttpLayerCarriesVaryOrigin() throws Exception {
        RawExchange r = send("GET", "/../v1/models", "");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("vary")).containsIgnoringCase("origin");
    }

    @Test
    void aHeadRefusedByTheParserCarriesVaryOrigin() throws Exception {
        RawExchange r = send("GET", "/v1/models", "Bad Header: x\r\n");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("vary")).containsIgnoringCase("origin");
    }
}
