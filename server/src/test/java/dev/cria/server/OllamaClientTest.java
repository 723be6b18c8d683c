package dev.cria.server;

import dev.cria.chat.ChatMessage;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaModel;
import dev.langchain4j.model.ollama.OllamaModelCard;
import dev.langchain4j.model.ollama.OllamaModels;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.model.ollama.RunningOllamaModel;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * LangChain4j's Ollama module against a running server, with only its base URL pointed at Cria:
 * chat, streaming chat, a tool round trip and the model lists. The tiny model says gibberish, so
 * shapes, finish reasons and counts are asserted, not text.
 */
class OllamaClientTest {
    @RegisterExtension
    static final ClassServer server = new ClassServer();
    @RegisterExtension
    static final ClassServer scripted = ClassServer.scripted();

    private static final String QUESTION = "Tell me about llamas.";
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private static OllamaChatModel chatModel(ClassServer s, int numPredict) {
        return OllamaChatModel.builder().baseUrl(s.baseUrl()).modelName(s.modelId()).temperature(0.0).numPredict(numPredict)
                .timeout(TIMEOUT).maxRetries(0).build();
    }

    @Test
    void chatAnswersWithThePromptsTemplatedLength() {
        ChatResponse r = chatModel(server, 24).chat(ChatRequest.builder().messages(UserMessage.from(QUESTION)).build());
        int[] prompt = server.engine().renderChat(List.of(ChatMessage.of("user", QUESTION)), null, true);

        assertThat(r.aiMessage().hasToolExecutionRequests()).isFalse();
        assertThat(r.finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
        assertThat(r.tokenUsage().inputTokenCount()).isEqualTo(prompt.length);
        assertThat(r.tokenUsage().outputTokenCount()).isBetween(1, 24);
        assertThat(r.metadata().modelName()).isEqualTo(server.modelId());
    }

    @Test
    void numPredictEndsTheAnswerWithLength() {
        ChatResponse r = chatModel(server, 3).chat(ChatRequest.builder().messages(UserMessage.from(QUESTION)).build());

        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
        assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(3);
    }

    @Test
    void streamingChatSendsPiecesThatAddUpToTheAnswerChatGives() throws Exception {
        OllamaStreamingChatModel streaming = OllamaStreamingChatModel.builder().baseUrl(server.baseUrl())
                .modelName(server.modelId()).temperature(0.0).numPredict(24).timeout(TIMEOUT).build();
        List<String> pieces = new ArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        streaming.chat(ChatRequest.builder().messages(UserMessage.from(QUESTION)).build(), new StreamingChatResponseHandler() {
            @Override
            public void onPartialResponse(String partialResponse) {
                pieces.add(partialResponse);
            }

            @Override
            public void onCompleteResponse(ChatResponse completeResponse) {
                done.complete(completeResponse);
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        ChatResponse streamed = done.get(60, TimeUnit.SECONDS);
        ChatResponse whole = chatModel(server, 24).chat(ChatRequest.builder().messages(UserMessage.from(QUESTION)).build());

        assertThat(pieces).isNotEmpty();
        assertThat(String.join("", pieces)).isEqualTo(streamed.aiMessage().text()).isEqualTo(whole.aiMessage().text());
        assertThat(streamed.finishReason()).isEqualTo(whole.finishReason());
        assertThat(streamed.tokenUsage().outputTokenCount()).isEqualTo(whole.tokenUsage().outputTokenCount());
    }

    @Test
    void aToolSpecificationMakesARoundTrip() {
        ToolSpecification weather = ToolSpecification.builder().name("get_weather").description("The weather in a city")
                .parameters(JsonObjectSchema.builder().addStringProperty("city").required("city").build()).build();
        OllamaChatModel model = chatModel(scripted, 64);
        UserMessage ask = UserMessage.from("What is the weather in Paris?");

        ChatResponse call = model.chat(ChatRequest.builder().messages(ask).toolSpecifications(weather).build());
        ToolExecutionRequest request = call.aiMessage().toolExecutionRequests().getFirst();
        ChatResponse answer = model.chat(ChatRequest.builder().messages(ask, call.aiMessage(),
                ToolExecutionResultMessage.from(request, "sunny, 21 C")).toolSpecifications(weather).build());

        assertThat(call.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(request.name()).isEqualTo("get_weather");
        assertThat(request.arguments()).isEqualTo("{\"city\":\"Paris\"}");
        AiMessage text = answer.aiMessage();
        assertThat(text.hasToolExecutionRequests()).isFalse();
        assertThat(text.text()).isNotBlank();
    }

    @Test
    void jsonResponseFormatAnswersAJsonObject() throws Exception {
        OllamaChatModel model = OllamaChatModel.builder().baseUrl(server.baseUrl()).modelName(server.modelId())
                .temperature(0.0).numPredict(200).responseFormat(ResponseFormat.JSON).timeout(TIMEOUT).maxRetries(0).build();

        ChatResponse r = model.chat(ChatRequest.builder().messages(UserMessage.from("Describe Lisbon as JSON.")).build());

        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(Http.json(r.aiMessage().text()).isObject()).isTrue();
    }

    @Test
    void aJsonSchemaResponseFormatAnswersJsonThatValidates() {
        JsonObjectSchema city = JsonObjectSchema.builder().addStringProperty("name").addIntegerProperty("population")
                .required("name", "population").additionalProperties(false).build();
        ResponseFormat format = ResponseFormat.builder().type(ResponseFormatType.JSON)
                .jsonSchema(JsonSchema.builder().name("City").rootElement(city).build()).build();

        ChatResponse r = chatModel(server, 200).chat(ChatRequest.builder().messages(UserMessage.from("Describe Lisbon."))
                .responseFormat(format).build());

        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
        assertThat(StructuredOutputTest.validate("{\"type\":\"object\",\"properties\":{\"name\":{\"type\":\"string\"},"
                + "\"population\":{\"type\":\"integer\"}},\"required\":[\"name\",\"population\"],\"additionalProperties\":false}",
                r.aiMessage().text())).isEmpty();
    }

    @Test
    void anAiServiceGetsAPojoParsedFromTheSchemaFormat() {
        OllamaChatModel model = OllamaChatModel.builder().baseUrl(server.baseUrl()).modelName(server.modelId())
                .temperature(0.0).numPredict(250).supportedCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA)
                .timeout(TIMEOUT).maxRetries(0).build();

        // LangChain4j's schema of a POJO leaves every property optional ("required": []), so {} is a valid answer too.
        StructuredClientsTest.City city = AiServices.create(StructuredClientsTest.CityGuide.class, model).describe("Lisbon");

        assertThat(city).isNotNull();
    }

    @Test
    void theModelListsNameTheServedModel() {
        OllamaModels models = OllamaModels.builder().baseUrl(server.baseUrl()).timeout(TIMEOUT).maxRetries(0).build();

        List<OllamaModel> available = models.availableModels().content();
        List<RunningOllamaModel> running = models.runningModels().content();
        OllamaModelCard card = models.modelCard(server.modelId()).content();

        assertThat(available).extracting(OllamaModel::getName).contains(server.modelId() + ":latest");
        assertThat(available.getFirst().getDetails().getFamily()).isEqualTo("llama");
        assertThat(available.getFirst().getModifiedAt()).isNotNull();
        assertThat(running).singleElement().satisfies(m -> {
            assertThat(m.getContextLength()).isEqualTo(server.engine().info().contextLength());
            assertThat(m.getExpiresAt()).isNotNull();
        });
        assertThat(card.getCapabilities()).contains("tools");
        assertThat(card.getDetails().getQuantizationLevel()).isEqualTo(server.engine().info().weightType());
    }
}
