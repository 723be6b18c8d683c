package dev.cria.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the server writes to its log about a request (docs/security.md, "Errors and logging"): one
 * line with method, path, status and request id; never a key, a header or the prompt. slf4j-simple
 * looks System.err up at every line, so the test reads the log by swapping System.err.
 */
class RequestLogTest {
    private static final String KEY = "sk-never-in-the-log-4f9a";
    private static final String PROMPT = "a prompt that must never reach the log 7c1e";
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream stderr;
    private TestServers.Running server;

    @BeforeEach
    void start() {
        server = TestServers.scripted(ScriptedEngine.quick(), ServerOptions.defaults().withApiKeys(List.of(KEY)));
        stderr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void stop() {
        System.setErr(stderr);
        server.close();
    }

    private String body() {
        return "{\"model\":" + Http.quote(server.modelId()) + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + Http.quote(PROMPT) + "}],\"max_tokens\":4}";
    }

    private String logged() throws InterruptedException {
        Thread.sleep(200); // the request logger runs after the response is sent
        return log.toString(StandardCharsets.UTF_8);
    }

    @Test
    void anAcceptedRequestIsOneLineWithItsRequestIdAndNeitherKeyNorPrompt() throws Exception {
        var r = Http.post(server.uri("/v1/chat/completions"), body(), "Authorization", "Bearer " + KEY);
        String text = logged();

        assertThat(r.statusCode()).isEqualTo(200);
        String id = r.headers().firstValue("x-request-id").orElseThrow();
        assertThat(text.lines().filter(l -> l.contains(id)))
                .singleElement().asString().contains("POST /v1/chat/completions 200");
        assertThat(text).doesNotContain(KEY).doesNotContain(PROMPT);
    }

    @Test
    void aRefusedKeyIsNeitherLoggedNorEchoed() throws Exception {
        String wrong = KEY + "-wrong";
        var r = Http.post(server.uri("/v1/chat/completions"), body(), "Authorization", "Bearer " + wrong);
        String text = logged();

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).doesNotContain(wrong);
        assertThat(text).contains(" 401 ").doesNotContain(wrong).doesNotContain(PROMPT);
    }
}
