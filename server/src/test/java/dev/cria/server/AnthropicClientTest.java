package dev.cria.server;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.MessageParam;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceAny;
import com.anthropic.models.messages.ToolChoiceTool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import com.anthropic.models.messages.ToolUseBlockParam;
import dev.cria.chat.ChatMessage;
import dev.cria.chat.ToolCall;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The official Anthropic Java SDK against a running server, with only its base URL changed: what
 * works against Anthropic's Messages API works against Cria. The tiny model's answers are
 * gibberish, so these assert shapes, stop reasons, usage arithmetic and event order, not text;
 * the scripted engine answers with a tool call where a test needs one.
 */
class AnthropicClientTest {
    @RegisterExtension
    static final ClassServer tiny = new ClassServer();
    @RegisterExtension
    static final ClassServer scripted = ClassServer.scripted();
    /** SDK 3.x has no temperature setter (Anthropic's newest models fix it); the API still takes the field. */
    private static final JsonValue GREEDY = JsonValue.from(0.0);
    private static AnthropicClient client;
    private static AnthropicClient scriptedClient;

    @BeforeAll
    static void clients() {
        client = client(tiny.baseUrl(), "unused");
        scriptedClient = client(scripted.baseUrl(), "unused");
    }

    @AfterAll
    static void close() {
        client.close();
        scriptedClient.close();
    }

    private static AnthropicClient client(String baseUrl, String key) {
        return AnthropicOkHttpClient.builder().baseUrl(baseUrl).apiKey(key).maxRetries(0).build();
    }

    private static MessageCreateParams.Builder greedy(String user, int maxTokens) {
        return MessageCreateParams.builder().model(tiny.modelId()).system("Be brief.").addUserMessage(user)
                .putAdditionalBodyProperty("temperature", GREEDY).maxTokens(maxTokens);
    }

    /** The prompt's length as the engine renders the conversation: what usage must add up to. */
    private static int promptTokens(List<ChatMessage> messages, List<Object> tools) {
        return tiny.engine().renderChat(messages, tools, true).length;
    }

    private static List<ChatMessage> briefly(String user) {
        return List.of(ChatMessage.of("system", "Be brief."), ChatMessage.of("user", user));
    }

    @Test
    void createAnswersWithAMessageWhoseUsageAddsUpToThePrompt() {
        Message m = client.messages().create(greedy("Tell me about llamas.", 24).build());

        assertThat(m.id()).startsWith("msg_");
        assertThat(m.model().asString()).isEqualTo(tiny.modelId());
        assertThat(m.stopReason()).get().isIn(StopReason.END_TURN, StopReason.MAX_TOKENS);
        assertThat(m.content()).allSatisfy(b -> assertThat(b.isText()).isTrue());
        long input = m.usage().inputTokens() + m.usage().cacheReadInputTokens().orElse(0L);
        assertThat(input).isEqualTo(promptTokens(briefly("Tell me about llamas."), null));
        assertThat(m.usage().outputTokens()).isBetween(1L, 24L);
    }

    @Test
    void maxTokensStopsWithMaxTokens() {
        Message m = client.messages().create(greedy("Count to one hundred.", 2)
                .putAdditionalBodyProperty("ignore_eos", JsonValue.from(true)).build());

        assertThat(m.stopReason()).contains(StopReason.MAX_TOKENS);
        assertThat(m.usage().outputTokens()).isEqualTo(2);
    }

    @Test
    void streamedEventsAccumulateToTheSameMessageAsCreate() {
        Message whole = client.messages().create(greedy("Write a short story.", 32).build());
        MessageAccumulator accumulator = MessageAccumulator.create();
        List<RawMessageStreamEvent.Type> order = new ArrayList<>();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(greedy("Write a short story.", 32).build())) {
            stream.stream().forEach(e -> {
                accumulator.accumulate(e);
                if (order.isEmpty() || order.getLast() != e.type()) order.add(e.type()); // runs of deltas count once
            });
        }
        Message streamed = accumulator.message();

        assertThat(order.getFirst()).isEqualTo(RawMessageStreamEvent.Type.MESSAGE_START);
        assertThat(order.subList(order.size() - 2, order.size()))
                .containsExactly(RawMessageStreamEvent.Type.MESSAGE_DELTA, RawMessageStreamEvent.Type.MESSAGE_STOP);
        assertThat(text(streamed)).isEqualTo(text(whole));
        assertThat(streamed.stopReason()).isEqualTo(whole.stopReason());
        assertThat(streamed.usage().outputTokens()).isEqualTo(whole.usage().outputTokens());
        assertThat(streamed.usage().inputTokens() + streamed.usage().cacheReadInputTokens().orElse(0L))
                .isEqualTo(promptTokens(briefly("Write a short story."), null));
    }

    @Test
    void countTokensIsTheRenderedPromptsLength() {
        long counted = client.messages().countTokens(MessageCountTokensParams.builder().model(tiny.modelId())
                .system("Be brief.").addUserMessage("How many tokens is this?").build()).inputTokens();

        assertThat(counted).isEqualTo(promptTokens(briefly("How many tokens is this?"), null));
    }

    @Test
    void aToolResultTurnIsRenderedAsTheTemplatesToolResult() {
        Message m = client.messages().create(MessageCreateParams.builder().model(tiny.modelId()).maxTokens(8)
                .putAdditionalBodyProperty("temperature", GREEDY).addTool(weatherTool())
                .addUserMessage("Weather in Paris?")
                .addMessage(MessageParam.ofAssistantOfContentBlockParams(List.of(ContentBlockParam.ofToolUse(
                        ToolUseBlockParam.builder().id("toolu_1").name("get_weather")
                                .input(JsonValue.from(Map.of("city", "Paris"))).build()))))
                .addMessage(MessageParam.ofUserOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId("toolu_1").content("18 C, sunny").build()))))
                .build());

        List<ChatMessage> rendered = List.of(ChatMessage.of("user", "Weather in Paris?"),
                new ChatMessage("assistant", null, List.of(new ToolCall("toolu_1", "get_weather", Map.of("city", "Paris")))),
                new ChatMessage("tool", "18 C, sunny", List.of()));
        assertThat(m.usage().inputTokens() + m.usage().cacheReadInputTokens().orElse(0L))
                .isEqualTo(promptTokens(rendered, List.of(weatherFunction())));
    }

    @Test
    void aScriptedToolCallRoundTrips() {
        MessageCreateParams.Builder ask = MessageCreateParams.builder().model(scripted.modelId()).maxTokens(64)
                .addTool(weatherTool()).addUserMessage("Weather in Paris?");
        Message call = scriptedClient.messages().create(ask.build());

        assertThat(call.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(call.content()).hasSize(1);
        var use = call.content().getFirst().asToolUse();
        assertThat(use.id()).startsWith("toolu_");
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(use._input().convert(Map.class)).isEqualTo(Map.of("city", "Paris"));

        Message answer = scriptedClient.messages().create(ask.addMessage(call.toParam())
                .addMessage(MessageParam.ofUserOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId(use.id()).content("18 C, sunny").build()))))
                .build());
        assertThat(answer.stopReason()).contains(StopReason.END_TURN);
        assertThat(answer.content()).allSatisfy(b -> assertThat(b.isText()).isTrue());
    }

    @Test
    void aStreamedScriptedToolCallAccumulatesToAToolUseBlock() {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = scriptedClient.messages().createStreaming(MessageCreateParams.builder()
                .model(scripted.modelId()).maxTokens(64).addTool(weatherTool()).addUserMessage("Weather in Paris?").build())) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Message m = accumulator.message();

        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(m.content().getFirst().asToolUse()._input().convert(Map.class)).isEqualTo(Map.of("city", "Paris"));
    }

    @Test
    void aWrongKeyIsTheSdksUnauthorizedException() {
        try (TestServers.Running keyed = TestServers.alongside(tiny.running(), ServerOptions.defaults().withApiKeys(List.of("right")))) {
            AnthropicClient wrong = client(keyed.baseUrl(), "wrong");
            AnthropicClient right = client(keyed.baseUrl(), "right");
            try {
                assertThatThrownBy(() -> wrong.messages().create(greedy("hi", 4).build())).isInstanceOf(UnauthorizedException.class);
                assertThat(right.messages().create(greedy("hi", 4).build()).id()).startsWith("msg_");
            } finally {
                wrong.close();
                right.close();
            }
        }
    }

    @Test
    void toolChoiceAnyAnswersWithAToolUseOfTheOfferedTool() {
        Message m = client.messages().create(greedy("What is the weather in Paris?", 100).addTool(weatherTool())
                .toolChoice(ToolChoiceAny.builder().disableParallelToolUse(true).build()).build()).validate();

        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(m.content()).hasSize(1);
        ToolUseBlock use = m.content().getFirst().asToolUse();
        assertThat(use.id()).startsWith("toolu_");
        assertThat(use.name()).isEqualTo("get_weather");
        assertThat(use._input().convert(Map.class).get("city")).isInstanceOf(String.class);
    }

    @Test
    void aStreamedObligedToolUseAccumulatesToTheSameCallAsCreate() {
        MessageCreateParams params = greedy("What is the weather in Paris?", 100).addTool(weatherTool())
                .toolChoice(ToolChoiceTool.builder().name("get_weather").build()).build();
        ToolUseBlock whole = client.messages().create(params).content().getFirst().asToolUse();
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = client.messages().createStreaming(params)) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Message m = accumulator.message();

        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(m.content().getFirst().asToolUse().name()).isEqualTo("get_weather");
        assertThat(m.content().getFirst().asToolUse()._input().convert(Map.class)).isEqualTo(whole._input().convert(Map.class));
    }

    private static Tool weatherTool() {
        return Tool.builder().name("get_weather").description("The weather in a city.")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(JsonValue.from(Map.of("city", Map.of("type", "string"))))
                        .required(List.of("city")).build())
                .build();
    }

    /** {@link #weatherTool()} as the function tool the template renders (what the server makes of it). */
    private static Object weatherFunction() {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", Map.of("city", Map.of("type", "string")));
        schema.put("required", List.of("city"));
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", "get_weather");
        function.put("description", "The weather in a city.");
        function.put("parameters", schema);
        return Map.of("type", "function", "function", function);
    }

    private static String text(Message m) {
        StringBuilder sb = new StringBuilder();
        for (ContentBlock b : m.content()) b.text().ifPresent(t -> sb.append(t.text()));
        return sb.toString();
    }
}
