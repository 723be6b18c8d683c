package dev.cria.langchain4j;

import dev.cria.api.ChatOptions;
import dev.cria.api.ChatResult;
import dev.cria.api.Message;
import dev.cria.api.ResponseFormat;
import dev.cria.api.Tool;
import dev.cria.api.ToolCall;
import dev.cria.api.ToolChoice;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** LangChain4j's requests in Cria's library terms, and Cria's answers back in LangChain4j's. */
final class LangChainRequests {
    private LangChainRequests() {
    }

    static List<Message> messages(List<ChatMessage> messages) {
        return messages.stream().map(LangChainRequests::message).toList();
    }

    private static Message message(ChatMessage m) {
        return switch (m) {
            case SystemMessage s -> Message.system(s.text());
            case UserMessage u -> Message.user(text(u));
            case AiMessage a when a.hasToolExecutionRequests() -> Message.assistant(a.toolExecutionRequests().stream()
                    .map(r -> new ToolCall(r.id(), r.name(), r.arguments())).toList());
            case AiMessage a -> Message.assistant(a.text());
            case ToolExecutionResultMessage t -> Message.toolResult(t.id(), t.text());
            default -> throw new UnsupportedFeatureException("Cria takes system, user, AI and tool result messages, not "
                    + m.type());
        };
    }

    /** Llama 3.2 1B/3B read text only: an image or audio part is refused, never dropped. */
    private static String text(UserMessage u) {
        if (u.hasSingleText()) return u.singleText();
        return u.contents().stream().map(c -> {
            if (c instanceof TextContent t) return t.text();
            throw new UnsupportedFeatureException("Cria's models read text only, not " + c.type());
        }).collect(Collectors.joining("\n"));
    }

    static ChatOptions options(ChatRequest r, boolean strictJsonSchema) {
        if (nonZero(r.frequencyPenalty()) || nonZero(r.presencePenalty())) {
            throw new UnsupportedFeatureException("Cria's library API has no frequency or presence penalty");
        }
        ChatOptions.Builder b = ChatOptions.builder();
        if (r.temperature() != null) b.temperature(r.temperature());
        if (r.topP() != null) b.topP(r.topP());
        if (r.topK() != null) b.topK(r.topK());
        if (r.maxOutputTokens() != null) b.maxTokens(r.maxOutputTokens());
        if (r.stopSequences() != null) b.stop(r.stopSequences());
        List<ToolSpecification> tools = r.toolSpecifications();
        if (tools != null && !tools.isEmpty()) {
            b.tools(tools.stream().map(LangChainRequests::tool).toList());
            if (r.toolChoice() != null) b.toolChoice(switch (r.toolChoice()) {
                case AUTO -> ToolChoice.auto();
                case REQUIRED -> ToolChoice.required();
                case NONE -> ToolChoice.none();
            });
        }
        if (r.responseFormat() != null && r.responseFormat().type() == ResponseFormatType.JSON) {
            if (r.responseFormat().jsonSchema() == null) {
                b.responseFormat(ResponseFormat.jsonObject());
            } else {
                Map<String, Object> schema = JsonSchemaElementUtils.toMap(r.responseFormat().jsonSchema().rootElement());
                b.jsonSchema(strictJsonSchema ? StrictSchemas.strict(schema) : schema);
            }
        }
        return b.build();
    }

    private static boolean nonZero(Double d) {
        return d != null && d != 0;
    }

    private static Tool tool(ToolSpecification t) {
        Map<String, Object> parameters = t.parameters() == null ? null : JsonSchemaElementUtils.toMap(t.parameters());
        return new Tool(t.name(), t.description(), parameters, Boolean.TRUE.equals(t.strict()));
    }

    static ChatResponse response(ChatResult r, String modelName) {
        AiMessage message = r.hasToolCalls() ? AiMessage.from(toolRequests(r.toolCalls())) : AiMessage.from(r.text());
        return ChatResponse.builder()
                .aiMessage(message)
                .modelName(modelName)
                .tokenUsage(new CriaTokenUsage(r.usage().promptTokens(), r.usage().completionTokens(), r.usage().cachedTokens()))
                .finishReason(finishReason(r.finishReason()))
                .build();
    }

    static List<ToolExecutionRequest> toolRequests(List<ToolCall> calls) {
        return calls.stream().map(c -> ToolExecutionRequest.builder().id(c.id()).name(c.name()).arguments(c.arguments()).build())
                .toList();
    }

    private static FinishReason finishReason(dev.cria.api.FinishReason r) {
        return switch (r) {
            case STOP -> FinishReason.STOP;
            case LENGTH -> FinishReason.LENGTH;
            case TOOL_CALLS -> FinishReason.TOOL_EXECUTION;
            case CANCELLED -> FinishReason.OTHER;
        };
    }
}
