package dev.cria.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A keyless server cannot be driven from a web page: it answers only to loopback Host names (or
 * configured ones), so a DNS-rebinding page is refused with 421, and its POST endpoints take only
 * bodies declared as JSON, so a cross-site form post is refused with 415.
 */
class HostAndContentTypeTest {
    @RegisterExtension
    static final ClassServer server = ClassServer.scripted();

    private static RawExchange get(TestServers.Running s, String path, String host, String... headers) throws Exception {
        return RawExchange.send(s.server().port(), "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                + String.join("", headers) + "Connection: close\r\n\r\n");
    }

    private static RawExchange post(String path, String contentType, String body) throws Exception {
        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return RawExchange.send(server.server().port(), "POST " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n", bytes);
    }

    private static void refused(RawExchange r, int status, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("x-request-id")).startsWith("req_");
        assertThat(r.json().at("/error/code").asText()).isEqualTo(code);
    }

    @Test
    void aKeylessServerRefusesAForeignHostWith421() throws Exception {
        refused(get(server.running(), "/v1/models", "evil.example"), 421, "host_not_allowed");
    }

    @Test
    void aKeylessServerRefusesAForeignHostOnMetricsToo() throws Exception {
        refused(get(server.running(), "/metrics", "evil.example:" + server.server().port()), 421, "host_not_allowed");
    }

    @Test
    void aNameThatOnlyStartsLikeALoopbackAddressIsRefused() throws Exception {
        refused(get(server.running(), "/v1/models", "127.0.0.1.nip.io"), 421, "host_not_allowed");
        refused(get(server.running(), "/v1/models", "localhost.evil.example"), 421, "host_not_allowed");
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "LocalHost:8080", "127.0.0.1", "127.0.0.1:8080", "127.1.2.3", "[::1]", "[::1]:8080"})
    void loopbackHostNamesAreServed(String host) throws Exception {
        assertThat(get(server.running(), "/v1/models", host).status()).isEqualTo(200);
    }

    @Test
    void aConfiguredAllowedHostIsServed() throws Exception {
        try (TestServers.Running s = TestServers.alongside(server.running(), ServerOptions.defaults().withAllowedHosts(List.of("cria.lan")))) {
            assertThat(get(s, "/v1/models", "CRIA.lan:8080").status()).isEqualTo(200);
            refused(get(s, "/v1/models", "other.lan"), 421, "host_not_allowed");
        }
    }

    @Test
    void aServerWithKeysDoesNotCheckTheHost() throws Exception {
        try (TestServers.Running s = TestServers.alongside(server.running(), ServerOptions.defaults().withHost("127.0.0.1")
                .withApiKeys(List.of("k1")))) {
            assertThat(get(s, "/v1/models", "cria.example.com", "Authorization: Bearer k1\r\n").status()).isEqualTo(200);
        }
    }

    @Test
    void aJsonBodySentAsTextPlainIs415() throws Exception {
        refused(post("/v1/completions", "text/plain", "{\"model\":\"scripted-llama\",\"prompt\":\"hi\",\"max_tokens\":1}"),
                415, "unsupported_media_type");
    }

    @Test
    void aJsonBodySentAsAFormIs415() throws Exception {
        refused(post("/v1/chat/completions", "application/x-www-form-urlencoded",
                "{\"model\":\"scripted-llama\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 415, "unsupported_media_type");
    }

    @Test
    void aBodyWithoutContentTypeIs415() throws Exception {
        refused(post("/tokenize", null, "{\"content\":\"hi\"}"), 415, "unsupported_media_type");
    }

    @Test
    void jsonWithACharsetParameterIsAccepted() throws Exception {
        assertThat(post("/tokenize", "Application/JSON; charset=utf-8", "{\"content\":\"hi\"}").status()).isEqualTo(200);
    }

    @Test
    void aPostToAnUnknownPathIs404NotA415() throws Exception {
        refused(post("/v1/nothing", "text/plain", "{}"), 404, "not_found");
    }
}
