package dev.cria.server.responses;

import java.util.List;
import java.util.Map;

/**
 * The JSON the Responses API answers with (API reference, "The response object" and "Streaming
 * events"), as records that {@code ApiJson} writes with snake_case names and nulls kept: the
 * reference's response object always carries {@code "error": null}, {@code "incomplete_details": null}
 * and the like, and the official SDKs read them as required fields.
 */
final class ResponseShapes {
    private ResponseShapes() {
    }

    /**
     * The response object. {@code status} is {@code in_progress} (the frames of response.created and
     * response.in_progress, with no output and no usage yet), {@code completed} or {@code incomplete}.
     */
    record Response(String id, String object, long createdAt, String status, Object error,
                    IncompleteDetails incompleteDetails, String instructions, Integer maxOutputTokens, String model,
                    List<Object> output, boolean parallelToolCalls, String previousResponseId, Reasoning reasoning,
                    boolean store, double temperature, Text text, Object toolChoice, List<Object> tools, double topP,
                    String truncation, ResponseUsage usage, String user, Map<String, Object> metadata) {
    }

    /** {@code incomplete_details}: why the response stopped short: {@code max_output_tokens}, or {@code content_filter} (the response filter blocked the answer). */
    record IncompleteDetails(String reason) {
    }

    /** {@code reasoning}: Llama 3.2 does not reason apart from its answer, so both are null. */
    record Reasoning(String effort, String summary) {
        static final Reasoning NONE = new Reasoning(null, null);
    }

    /** {@code text}: the output format as the request gave it ({@code {"type": "text"}} by default). */
    record Text(Map<String, Object> format) {
        static final Text PLAIN = new Text(Map.of("type", "text"));
    }

    /**
     * {@code usage}. OpenAI counts cached prompt tokens inside input_tokens (unlike Anthropic), and
     * total = input + output; Llama 3.2 has no hidden reasoning, so reasoning_tokens is 0. Cria's prefix
     * cache is automatic, with no explicit cache writes to bill, so cache_write_tokens is 0 (the SDKs
     * require the field).
     */
    record ResponseUsage(int inputTokens, InputDetails inputTokensDetails, int outputTokens,
                         OutputDetails outputTokensDetails, int totalTokens) {
        static ResponseUsage of(int inputTokens, int cachedTokens, int outputTokens) {
            return new ResponseUsage(inputTokens, new InputDetails(cachedTokens, 0), outputTokens, new OutputDetails(0),
                    inputTokens + outputTokens);
        }
    }

    record InputDetails(int cachedTokens, int cacheWriteTokens) {
    }

    record OutputDetails(int reasoningTokens) {
    }

    /** An output item {@code {"type": "message", "role": "assistant"}} with output_text parts. */
    record MessageItem(String type, String id, String status, String role, List<OutputText> content) {
        static MessageItem of(String id, String status, List<OutputText> content) {
            return new MessageItem("message", id, status, "assistant", content);
        }
    }

    /** A content part {@code output_text}; no annotations (no file or web citations here), no logprobs. */
    record OutputText(String type, String text, List<Object> annotations, List<Object> logprobs) {
        static OutputText of(String text) {
            return new OutputText("output_text", text, List.of(), List.of());
        }
    }

    /** An output item {@code function_call}: {@code arguments} is JSON text; {@code call_id} is what function_call_output answers. */
    record FunctionCallItem(String type, String id, String callId, String name, String arguments, String status) {
        static FunctionCallItem of(String id, String callId, String name, String arguments, String status) {
            return new FunctionCallItem("function_call", id, callId, name, arguments, status);
        }
    }

    /** {@code DELETE /v1/responses/{id}}'s answer. */
    record Deleted(String id, String object, boolean deleted) {
        static Deleted of(String id) {
            return new Deleted(id, "response", true);
        }
    }

    /** A streaming event ("Streaming events"): every one has its type and a sequence_number that counts from 0. */
    interface Event {
        String type();
    }

    /** response.created, response.in_progress, response.completed, response.incomplete. */
    record ResponseEvent(String type, int sequenceNumber, Response response) implements Event {
    }

    /** response.output_item.added and response.output_item.done. */
    record OutputItemEvent(String type, int sequenceNumber, int outputIndex, Object item) implements Event {
    }

    /** response.content_part.added and response.content_part.done. */
    record ContentPartEvent(String type, int sequenceNumber, String itemId, int outputIndex, int contentIndex,
                            OutputText part) implements Event {
    }

    /** response.output_text.delta. */
    record TextDeltaEvent(String type, int sequenceNumber, String itemId, int outputIndex, int contentIndex,
                          String delta, List<Object> logprobs) implements Event {
    }

    /** response.output_text.done: the part's whole text. */
    record TextDoneEvent(String type, int sequenceNumber, String itemId, int outputIndex, int contentIndex,
                         String text, List<Object> logprobs) implements Event {
    }

    /** response.function_call_arguments.delta. */
    record ArgumentsDeltaEvent(String type, int sequenceNumber, String itemId, int outputIndex, String delta) implements Event {
    }

    /** response.function_call_arguments.done: the whole arguments and the function's name. */
    record ArgumentsDoneEvent(String type, int sequenceNumber, String itemId, int outputIndex, String name,
                              String arguments) implements Event {
    }

    /** {@code error}: a failure after the stream began ({@code code}, {@code message}, {@code param}). */
    record ErrorEvent(String type, int sequenceNumber, String code, String message, String param) implements Event {
    }
}
