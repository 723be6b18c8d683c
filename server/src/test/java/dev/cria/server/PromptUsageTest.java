package dev.cria.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cria.chat.ChatMessage;
import dev.cria.chat.ChatTemplate;
import dev.cria.chat.TemplateTokens;
import dev.cria.engine.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code usage.prompt_tokens} is the exact length of the templated prompt, as the reference
 * renderer counts it, and {@code prompt_tokens_details.cached_tokens} reports prefix-cache reuse.
 */
class PromptUsageTest {
    /** The hosted provider's example request. */
    private static final List<ChatMessage> PROVIDER_EXAMPLE = List.of(
            ChatMessage.of("system", "Act like you are a helpful assistant."), ChatMessage.of("user", "Hi there!"));
    private static final String PROVIDER_EXAMPLE_JSON = "[{\"role\":\"system\",\"content\":\"Act like you are a helpful assistant.\"},"
            + "{\"role\":\"user\",\"content\":\"Hi there!\"}]";
    private static final String GOLDEN_DATE = "26 Jul 2024";

    @RegisterExtension
    static final ClassServer server = new ClassServer();

    private static TemplateTokens tokensOf(Engine e) {
        return new TemplateTokens() {
            @Override
            public int[] encodePlain(String text) {
                return e.tokenize(text, false);
            }

            @Override
            public int specialId(String token) {
                int[] ids = e.tokenize(token, true);
                assertThat(ids).as(token).hasSize(1);
                return ids[0];
            }
        };
    }

    private static JsonNode chat(String base, String model, String messages, String extra) throws Exception {
        var r = Http.post(server.uri(base + "/chat/completions"), "{\"model\":" + Http.quote(model) + ",\"messages\":" + messages
                + ",\"max_tokens\":2,\"temperature\":0" + extra + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Http.json(r);
    }

    @Test
    void theProvidersExampleCountsTheTemplatedPromptExactly() throws Exception {
        Engine e = server.engine();
        int[] rendered = e.renderChat(PROVIDER_EXAMPLE, null, true);
        // Tie the engine's ids to the golden-tested text template: token-level rendering equals
        // tokenizing the text rendering (specials parsed), for a fixed date and for today's.
        int[] fixedDate = ChatTemplate.renderIds(PROVIDER_EXAMPLE, null, true, GOLDEN_DATE, tokensOf(e));
        assertThat(fixedDate).isEqualTo(e.tokenize(ChatTemplate.renderText(PROVIDER_EXAMPLE, null, true, GOLDEN_DATE), true));
        assertThat(rendered).isEqualTo(e.tokenize(ChatTemplate.renderText(PROVIDER_EXAMPLE, null, true, ChatTemplate.today()), true));

        JsonNode v1 = chat("/v1", server.modelId(), PROVIDER_EXAMPLE_JSON, "");
        String providerId = Http.json(Http.get(server.uri("/v3/openai/models"))).at("/data/0/id").asText();
        JsonNode v3 = chat("/v3/openai", providerId, PROVIDER_EXAMPLE_JSON, "");

        assertThat(v1.at("/usage/prompt_tokens").asInt()).isEqualTo(rendered.length);
        assertThat(v3.at("/usage/prompt_tokens").asInt()).isEqualTo(rendered.length);
    }

    @Test
    void aGoldenConversationCountsAsTheReferenceRendererCounts() throws Exception {
        // golden chat_template.jsonl "system_user": ids from the reference Jinja renderer on 26 Jul 2024;
        // the server renders today's date, so the reference count is adjusted by the date's own tokens.
        JsonNode golden = null;
        for (String line : Files.readAllLines(Path.of(System.getProperty("cria.testdata"), "golden/chat_template.jsonl"))) {
            JsonNode c = Http.json(line);
            if (c.get("name").asText().equals("system_user")) golden = c;
        }
        assertThat(golden).isNotNull();
        Engine e = server.engine();
        int dateDelta = e.tokenize("Today Date: " + ChatTemplate.today() + "\n\n", false).length
                - e.tokenize("Today Date: " + GOLDEN_DATE + "\n\n", false).length;

        JsonNode v1 = chat("/v1", server.modelId(), golden.get("messages").toString(), "");

        assertThat(v1.at("/usage/prompt_tokens").asInt()).isEqualTo(golden.get("rendered_ids").size() + dateDelta);
    }

    @Test
    void withoutToolsThePromptHasNoToolPreamble() throws Exception {
        String hello = "[{\"role\":\"user\",\"content\":\"Hello!\"}]";
        JsonNode plain = chat("/v1", server.modelId(), hello, "");
        JsonNode toolChoiceNone = chat("/v1", server.modelId(), hello, ",\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}],"
                + "\"tool_choice\":\"none\"");

        assertThat(plain.at("/usage/prompt_tokens").asInt())
                .isEqualTo(server.engine().renderChat(List.of(ChatMessage.of("user", "Hello!")), null, true).length);
        assertThat(toolChoiceNone.at("/usage/prompt_tokens").asInt()).isEqualTo(plain.at("/usage/prompt_tokens").asInt());
    }

    @Test
    void aRepeatedLongPromptReportsCachedTokens() throws Exception {
        String messages = "[{\"role\":\"user\",\"content\":" + Http.quote("Summarise this: " + "the quick brown fox jumps. ".repeat(20)) + "}]";
        JsonNode first = chat("/v1", server.modelId(), messages, "");
        JsonNode second = chat("/v1", server.modelId(), messages, "");

        assertThat(first.at("/usage/prompt_tokens_details/cached_tokens").isInt()).isTrue();
        assertThat(second.at("/usage/prompt_tokens_details/cached_tokens").asInt()).isPositive()
                .isLessThan(second.at("/usage/prompt_tokens").asInt());
    }

    @Test
    void theProviderStyleHasNullTokenDetailsEvenWhenTokensWereCached() throws Exception {
        String providerId = Http.json(Http.get(server.uri("/v3/openai/models"))).at("/data/0/id").asText();
        String messages = "[{\"role\":\"user\",\"content\":" + Http.quote("Repeat after me: " + "lorem ipsum dolor. ".repeat(20)) + "}]";
        chat("/v3/openai", providerId, messages, "");
        JsonNode second = chat("/v3/openai", providerId, messages, "");

        assertThat(second.at("/usage/prompt_tokens_details").isNull()).isTrue();
        assertThat(second.at("/usage/prompt_tokens").asInt()).isPositive();
    }
}
