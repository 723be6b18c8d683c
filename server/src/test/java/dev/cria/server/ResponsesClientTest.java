package dev.cria.server;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.NotFoundException;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseUsage;
import com.openai.models.responses.StructuredResponse;
import com.openai.models.responses.ToolChoiceOptions;
import dev.cria.chat.ChatMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The official openai-java client's Responses API against the tiny model: every response and event
 * must pass the SDK's own validation. The model's text is gibberish, so tests assert shapes,
 * statuses, usage arithmetic and event order, never text.
 */
class ResponsesClientTest {
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

    private static ResponseCreateParams.Builder greedy(String input, long maxOutputTokens) {
        return ResponseCreateParams.builder().model(server.modelId()).input(input).temperature(0.0)
                .maxOutputTokens(maxOutputTokens);
    }

    private static String text(Response r) {
        return r.output().getFirst().asMessage().content().getFirst().asOutputText().text();
    }

    @Test
    void aResponseAnswersWithOneMessageAndUsageOfTheTemplatedPrompt() {
        Response r = client.responses().create(greedy("Tell me about llamas.", 24).instructions("Be brief.").build()).validate();
        int[] prompt = server.engine().renderChat(List.of(ChatMessage.of("system", "Be brief."),
                ChatMessage.of("user", "Tell me about llamas.")), null, true);

        assertThat(r.id()).startsWith("resp_");
        assertThat(r.status().orElseThrow()).isIn(ResponseStatus.COMPLETED, ResponseStatus.INCOMPLETE);
        assertThat(r.output()).hasSize(1);
        assertThat(r.output().getFirst().asMessage().id()).startsWith("msg_");
        ResponseUsage u = r.usage().orElseThrow();
        assertThat(u.inputTokens()).isEqualTo(prompt.length);
        assertThat(u.totalTokens()).isEqualTo(u.inputTokens() + u.outputTokens());
        assertThat(u.outputTokensDetails().reasoningTokens()).isZero();
        assertThat(r.instructions()).isPresent();
    }

    @Test
    void aStreamIsTheDocumentedEventsAndEndsWithTheWholeResponse() {
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(greedy("Tell me about llamas.", 16).build())) {
            s.stream().forEach(e -> events.add(e.validate()));
        }

        assertThat(events.get(0).isCreated()).isTrue();
        assertThat(events.get(1).isInProgress()).isTrue();
        assertThat(events.get(2).isOutputItemAdded()).isTrue();
        assertThat(events.get(3).isContentPartAdded()).isTrue();
        int n = events.size();
        assertThat(events.subList(4, n - 4)).allMatch(ResponseStreamEvent::isOutputTextDelta);
        assertThat(events.get(n - 4).isOutputTextDone()).isTrue();
        assertThat(events.get(n - 3).isContentPartDone()).isTrue();
        assertThat(events.get(n - 2).isOutputItemDone()).isTrue();
        ResponseStreamEvent last = events.get(n - 1);
        Response r = last.isCompleted() ? last.asCompleted().response() : last.asIncomplete().response();
        StringBuilder deltas = new StringBuilder();
        events.subList(4, n - 4).forEach(e -> deltas.append(e.asOutputTextDelta().delta()));
        assertThat(text(r)).isEqualTo(deltas.toString());
        assertThat(events.get(n - 4).asOutputTextDone().text()).isEqualTo(deltas.toString());
    }

    @Test
    void previousResponseIdContinuesTheConversationFromTheCache() {
        Response first = client.responses().create(greedy("Tell me about llamas.", 8).build());
        Response second = client.responses().create(greedy("And alpacas?", 8).previousResponseId(first.id()).build()).validate();
        int[] prompt = server.engine().renderChat(List.of(ChatMessage.of("user", "Tell me about llamas."),
                ChatMessage.of("assistant", text(first)), ChatMessage.of("user", "And alpacas?")), null, true);

        ResponseUsage u = second.usage().orElseThrow();
        assertThat(u.inputTokens()).isEqualTo(prompt.length);
        assertThat(u.inputTokensDetails().cachedTokens()).isPositive();
        assertThat(second.previousResponseId()).contains(first.id());
    }

    @Test
    void maxOutputTokensCutsTheResponseToIncomplete() {
        Response r = client.responses().create(greedy("Tell me a long story.", 1).build()).validate();

        assertThat(r.status()).contains(ResponseStatus.INCOMPLETE);
        assertThat(r.incompleteDetails().orElseThrow().reason().orElseThrow())
                .isEqualTo(Response.IncompleteDetails.Reason.MAX_OUTPUT_TOKENS);
        assertThat(r.usage().orElseThrow().outputTokens()).isEqualTo(1);
    }

    @Test
    void aStoredResponseIsRetrievedThenDeleted() {
        Response r = client.responses().create(greedy("Tell me about llamas.", 4).build());

        assertThat(client.responses().retrieve(r.id()).validate().id()).isEqualTo(r.id());
        client.responses().delete(r.id());
        assertThatThrownBy(() -> client.responses().retrieve(r.id())).isInstanceOf(NotFoundException.class);
    }

    @Test
    void aTextFormatOfAClassGetsThatClassBack() {
        for (int seed = 1; seed <= 3; seed++) {
            StructuredResponse<StructuredClientsTest.City> r = client.responses().create(ResponseCreateParams.builder()
                    .model(server.modelId()).input("Describe Lisbon.").text(StructuredClientsTest.City.class)
                    .temperature(1.0).putAdditionalBodyProperty("seed", JsonValue.from(seed)).maxOutputTokens(250).build());
            StructuredClientsTest.City city = r.output().getFirst().message().orElseThrow().content().getFirst()
                    .outputText().orElseThrow();

            assertThat(r.rawResponse().validate().status()).contains(ResponseStatus.COMPLETED);
            assertThat(r.rawResponse().text().orElseThrow().format().orElseThrow().isJsonSchema()).isTrue();
            assertThat(city.name).isNotNull();
            assertThat(city.landmarks).isNotNull();
        }
    }

    /** A function tool openai-java derives from a class: its name is the class's, its parameters the fields. */
    public static class GetWeather {
        public String city;
    }

    @Test
    void aRequiredCallOfAToolClassParsesAsThatClass() {
        Response r = client.responses().create(ResponseCreateParams.builder().model(server.modelId())
                .input("What is the weather in Paris?").addTool(GetWeather.class).toolChoice(ToolChoiceOptions.REQUIRED)
                .parallelToolCalls(false).temperature(0.0).maxOutputTokens(200).build()).validate();
        ResponseFunctionToolCall call = r.output().getFirst().asFunctionCall();

        assertThat(r.output()).hasSize(1);
        assertThat(call.name()).isEqualTo("GetWeather");
        assertThat(call.arguments(GetWeather.class).city).isNotNull();
    }

    @Test
    void aStreamedRequiredCallIsTheDocumentedFunctionCallEvents() {
        List<ResponseStreamEvent> events = new ArrayList<>();
        try (StreamResponse<ResponseStreamEvent> s = client.responses().createStreaming(ResponseCreateParams.builder()
                .model(server.modelId()).input("What is the weather in Paris?").addTool(GetWeather.class)
                .toolChoice(ToolChoiceOptions.REQUIRED).parallelToolCalls(false).temperature(0.0).maxOutputTokens(200).build())) {
            s.stream().forEach(e -> events.add(e.validate()));
        }

        int n = events.size();
        assertThat(events.get(2).asOutputItemAdded().item().asFunctionCall().name()).isEqualTo("GetWeather");
        assertThat(events.subList(3, n - 3)).allMatch(ResponseStreamEvent::isFunctionCallArgumentsDelta);
        StringBuilder args = new StringBuilder();
        events.subList(3, n - 3).forEach(e -> args.append(e.asFunctionCallArgumentsDelta().delta()));
        assertThat(events.get(n - 3).asFunctionCallArgumentsDone().arguments()).isEqualTo(args.toString());
        assertThat(events.get(n - 2).asOutputItemDone().item().asFunctionCall().arguments(GetWeather.class).city).isNotNull();
        assertThat(events.get(n - 1).asCompleted().response().output().getFirst().asFunctionCall().arguments())
                .isEqualTo(args.toString());
    }
}
