package dev.cria.server.responses;

import dev.cria.chat.ChatMessage;
import dev.cria.chat.ToolCall;
import dev.cria.engine.Engine;
import dev.cria.engine.FinishReason;
import dev.cria.server.api.ApiJson;
import dev.cria.server.api.FunctionTools;
import dev.cria.server.responses.ResponseShapes.FunctionCallItem;
import dev.cria.server.responses.ResponseShapes.MessageItem;
import dev.cria.server.responses.ResponseShapes.OutputText;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a generation became, in the Responses API's terms: {@code function_call} items when tools
 * were offered, the model ended its turn by itself and its whole text parses as calls (as chat
 * completions decide {@code tool_calls}); otherwise one {@code message} item with the text. The
 * status is {@code incomplete} when max_output_tokens cut it, else {@code completed}. Streamed and
 * whole answers end alike.
 *
 * @param calls the function_call items, empty for a text answer
 */
record ResponseOutput(List<FunctionCallItem> calls, String text, String status) {

    static ResponseOutput of(Engine engine, ResponsesRequest request, String text, FinishReason reason) {
        return new ResponseOutput(reason == FinishReason.STOP ? calls(engine, request, text) : List.of(), text, status(reason));
    }

    /** The response's status after a generation that ended for {@code reason}. */
    static String status(FinishReason reason) {
        return reason == FinishReason.LENGTH ? "incomplete" : "completed";
    }

    private static List<FunctionCallItem> calls(Engine engine, ResponsesRequest request, String text) {
        if (request.tools().template().isEmpty() || text.isBlank() || !FunctionTools.mayBeCall(text)) return List.of();
        List<FunctionCallItem> out = new ArrayList<>();
        for (ToolCall c : engine.parseToolCalls(text)) {
            String args = c.arguments() instanceof String s ? s : ApiJson.string(c.arguments() == null ? Map.of() : c.arguments());
            String callId = c.id() != null && !c.id().isBlank() ? c.id() : ResponseIds.callId();
            out.add(FunctionCallItem.of(ResponseIds.functionCall(), callId, c.name(), args, "completed"));
        }
        return out;
    }

    /** The message item of a text answer, its status the response's. */
    MessageItem message(String id) {
        return MessageItem.of(id, status, List.of(OutputText.of(text)));
    }

    /** The response's {@code output}: the calls, or the one message item {@code messageId}. */
    List<Object> items(String messageId) {
        return calls.isEmpty() ? List.of(message(messageId)) : List.copyOf(calls);
    }

    /** The output as the chat messages a continuation renders: one assistant turn per call (Llama 3.2 takes one a turn). */
    List<ChatMessage> messages() {
        if (calls.isEmpty()) return List.of(ChatMessage.of("assistant", text));
        List<ChatMessage> out = new ArrayList<>(calls.size());
        for (FunctionCallItem c : calls) {
            Object args;
            try {
                args = ApiJson.toPlain(ApiJson.MAPPER.readTree(c.arguments()));
            } catch (java.io.IOException e) {
                args = c.arguments();
            }
            out.add(new ChatMessage("assistant", null, List.of(new ToolCall(c.callId(), c.name(), args))));
        }
        return out;
    }
}
