package dev.cria.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat page at {@code /} under the server's rules: it loads without a key (it holds no data,
 * the API calls it makes carry the key), it is still refused to a foreign Host on a keyless server,
 * and it may run only its own script and style.
 */
class WebPageRoutesTest {
    private static TestServers.Running keyless;
    private static TestServers.Running keyed;

    @BeforeAll
    static void start() {
        keyless = TestServers.scripted(ScriptedEngine.quick(), ServerOptions.defaults());
        keyed = TestServers.scripted(ScriptedEngine.quick(), ServerOptions.defaults().withApiKeys(List.of("sk-page")));
    }

    @AfterAll
    static void stop() {
        keyless.close();
        keyed.close();
    }

    private static RawExchange get(TestServers.Running s, String path, String host) throws Exception {
        return RawExchange.send(s.server().port(), "GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n");
    }

    @Test
    void thePageLoadsWithoutAKeyWhileTheApiAsksForIt() throws Exception {
        RawExchange page = get(keyed, "/", "localhost");

        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("content-type")).startsWith("text/html");
        assertThat(page.body()).contains("<script src=\"/web/chat.js\"");
        assertThat(get(keyed, "/v1/models", "localhost").status()).isEqualTo(401);
    }

    @Test
    void theScriptAndStyleAreServedWithTheirTypes() throws Exception {
        assertThat(get(keyed, "/web/chat.js", "localhost").header("content-type")).startsWith("text/javascript");
        assertThat(get(keyed, "/web/chat.css", "localhost").header("content-type")).startsWith("text/css");
    }

    @Test
    void thePageMayRunOnlyItsOwnScriptAndTalkOnlyToThisServer() throws Exception {
        RawExchange page = get(keyless, "/", "127.0.0.1");

        assertThat(page.header("content-security-policy")).contains("default-src 'none'").contains("script-src 'self'")
                .contains("connect-src 'self'").contains("frame-ancestors 'none'");
        assertThat(page.header("x-content-type-options")).isEqualTo("nosniff");
    }

    @Test
    void anUnknownFileUnderWebIsA404InTheApiEnvelope() throws Exception {
        RawExchange r = get(keyless, "/web/secret.txt", "localhost");

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().at("/error/type").asText()).isEqualTo("invalid_request_error");
    }

    @Test
    void aKeylessServerRefusesThePageToAForeignHost() throws Exception {
        assertThat(get(keyless, "/", "evil.example").status()).isEqualTo(421);
    }
}
