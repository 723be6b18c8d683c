package dev.cria.langchain4j;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.request.ToolChoice;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The ChatModel's translation: tool specifications, tool choice, JSON Schema formats, usage, finish reasons. */
class ChatModelTest {
    private final ChatModel model = CriaChatModel.builder().cria(TinyCria.CRIA).temperature(0.0).maxTokens(48).build();

    @Test
    void aRequiredToolIsCalledWithArgumentsOfItsSchemaAndFinishesWithToolExecution() {
        ToolSpecification add = ToolSpecification.builder().name("add").description("Adds two numbers")
                .parameters(JsonObjectSchema.builder().addIntegerProperty("a").addIntegerProperty("b").required("a", "b").build())
                .build();

        ChatResponse r = model.chat(ChatRequest.builder().messages(UserMessage.from("What is 2 + 3?"))
                .toolSpecifications(add).toolChoice(ToolChoice.REQUIRED).build());

        assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_EXECUTION);
        assertThat(r.aiMessage().toolExecutionRequests()).allSatisfy(call -> {
            assertThat(call.name()).isEqualTo("add");
            assertThat(call.arguments()).matches("\\{\\s*\"a\"\\s*:\\s*-?\\d+\\s*,\\s*\"b\"\\s*:\\s*-?\\d+\\s*}");
            assertThat(call.id()).isNotBlank();
        }).isNotEmpty();
    }

    @Test
    void aJsonSchemaFormatGivesJsonOfThatShape() {
        JsonSchema count = JsonSchema.builder().name("Count").rootElement(JsonObjectSchema.builder()
                .addProperty("count", JsonIntegerSchema.builder().build()).required("count").build()).build();

        ChatResponse r = model.chat(ChatRequest.builder().messages(UserMessage.from("How many?"))
                .responseFormat(ResponseFormat.builder().type(ResponseFormatType.JSON).jsonSchema(count).build()).build());

        assertThat(r.aiMessage().text()).matches("\\{\\s*\"count\"\\s*:\\s*-?\\d+\\s*}");
        assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    }

    @Test
    void usageCountsThePromptAndTheAnswer() {
        ChatResponse r = model.chat(ChatRequest.builder().messages(UserMessage.from("Hi")).maxOutputTokens(5).build());

        assertThat(r.tokenUsage().outputTokenCount()).isEqualTo(5);
        assertThat(r.tokenUsage().inputTokenCount()).isGreaterThan(5);
        assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
    }
}
