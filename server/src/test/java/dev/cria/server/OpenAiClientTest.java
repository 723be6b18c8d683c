package dev.cria.server;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import dev.cria.chat.ChatMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official openai-java client against a running server: what works against OpenAI works against Cria. */
class OpenAiClientTest {
    private static TestServers.Running server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() {
        server = TestServers.start();
        client = OpenAIOkHttpClient.builder().baseUrl(server.baseUrl() + "/v1").apiKey("unused").maxRetries(0).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    private static ChatCompletionCreateParams.Builder greedy(String user, int maxTokens) {
        return ChatCompletionCreateParams.builder().model(server.modelId()).addUserMessage(user)
                .temperature(0.0).maxCompletionTokens(maxTokens);
    }

    @Test
    void chatCompletionAnswersAsAssistantWithExactUsage() {
        ChatCompletion c = client.chat().completions().create(greedy("Tell me about llamas.", 24).build());
        int[] prompt = server.engine().renderChat(List.of(ChatMessage.of("user", "Tell me about llamas.")), null, true);

        assertThat(c.id()).startsWith("chatcmpl-");
        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().getFirst().message().content()).isPresent();
        assertThat(c.choices().getFirst().finishReason().asString()).isIn("stop", "length");
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(prompt.length);
        assertThat(c.usage().orElseThrow().totalTokens())
                .isEqualTo(c.usage().orElseThrow().promptTokens() + c.usage().orElseThrow().completionTokens());
    }

    @Test
    void smallMaxTokensFinishesWithLength() {
        // ignore_eos (vLLM's extension): a random-weight model may otherwise end within 3 tokens.
        ChatCompletion c = client.chat().completions().create(greedy("Count to one hundred.", 3)
                .putAdditionalBodyProperty("ignore_eos", JsonValue.from(true)).build());

        assertThat(c.choices().getFirst().finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(3);
    }

    @Test
    void streamedTextEqualsNonStreamedTextForAGreedyRequest() {
        ChatCompletionCreateParams params = greedy("Write a short story.", 40)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        ChatCompletion whole = client.chat().completions().create(greedy("Write a short story.", 40).build());

        StringBuilder text = new StringBuilder();
        List<String> finishReasons = new ArrayList<>();
        List<Long> completionTokens = new ArrayList<>();
        try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> {
                chunk.choices().forEach(ch -> {
                    ch.delta().content().ifPresent(text::append);
                    ch.finishReason().ifPresent(r -> finishReasons.add(r.asString()));
                });
                chunk.usage().ifPresent(u -> completionTokens.add(u.completionTokens()));
            });
        }

        assertThat(text.toString()).isEqualTo(whole.choices().getFirst().message().content().orElseThrow());
        assertThat(finishReasons).containsExactly(whole.choices().getFirst().finishReason().asString());
        assertThat(completionTokens).containsExactly(whole.usage().orElseThrow().completionTokens());
    }

    @Test
    void nChoicesWithASeedAreReproducible() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(server.modelId())
                .addUserMessage("Say something.").temperature(1.0).n(3).seed(42).maxCompletionTokens(12).build();

        List<String> first = client.chat().completions().create(params).choices().stream()
                .map(ch -> ch.message().content().orElseThrow()).toList();
        List<String> again = client.chat().completions().create(params).choices().stream()
                .map(ch -> ch.message().content().orElseThrow()).toList();

        assertThat(first).hasSize(3).isEqualTo(again);
    }

    @Test
    void textCompletionOfAStringPrompt() {
        Completion c = client.completions().create(CompletionCreateParams.builder().model(server.modelId())
                .prompt("Once upon a time").maxTokens(5).temperature(0.0).build());

        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().getFirst().finishReason().asString()).isIn("stop", "length");
        assertThat(c.usage().orElseThrow().completionTokens()).isLessThanOrEqualTo(5);
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(
                server.engine().tokenize("Once upon a time", true).length + (server.engine().addBos() ? 1 : 0));
    }

    @Test
    void modelsListAndRetrieveTheServedModel() {
        List<String> ids = client.models().list().data().stream().map(Model::id).toList();
        Model m = client.models().retrieve(server.modelId());

        assertThat(ids).contains(server.modelId());
        assertThat(m.id()).isEqualTo(server.modelId());
    }

    @Test
    void unknownModelIsNotFound() {
        assertThatThrownBy(() -> client.chat().completions().create(
                ChatCompletionCreateParams.builder().model("no-such-model").addUserMessage("hi").build()))
                .isInstanceOfSatisfying(NotFoundException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(404);
                    assertThat(e.code()).contains("model_not_found");
                });
    }

    @Test
    void outOfRangeTemperatureIsABadRequestNamingTheField() {
        assertThatThrownBy(() -> client.chat().completions().create(greedy("hi", 4).temperature(3.5).build()))
                .isInstanceOfSatisfying(BadRequestException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.param()).contains("temperature");
                });
    }

    @Test
    void wrongApiKeyIsUnauthorized() {
        try (TestServers.Running keyed = TestServers.alongside(server, ServerOptions.defaults().withHost("127.0.0.1").withApiKeys(List.of("sk-right")))) {
            OpenAIClient wrong = OpenAIOkHttpClient.builder().baseUrl(keyed.baseUrl() + "/v1").apiKey("sk-wrong").maxRetries(0).build();
            OpenAIClient right = OpenAIOkHttpClient.builder().baseUrl(keyed.baseUrl() + "/v1").apiKey("sk-right").maxRetries(0).build();
            try {
                assertThatThrownBy(() -> wrong.models().list())
                        .isInstanceOfSatisfying(UnauthorizedException.class, e -> assertThat(e.statusCode()).isEqualTo(401));
                assertThat(right.models().list().data()).isNotEmpty();
            } finally {
                wrong.close();
                right.close();
            }
        }
    }
}
