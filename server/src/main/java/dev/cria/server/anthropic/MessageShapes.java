package dev.cria.server.anthropic;

import java.util.List;
import java.util.Map;

/**
 * The JSON the Messages API answers with (API reference, "Messages" and "Streaming Messages"),
 * as records that {@code ApiJson} writes with snake_case names and nulls kept
 * ({@code "stop_sequence": null} is part of the shape).
 */
final class MessageShapes {
    private MessageShapes() {
    }

    /** The Message object: the whole answer, or the frame of {@code message_start} with empty content. */
    record Message(String id, String type, String role, List<Object> content, String model, String stopReason,
                   String stopSequence, MessageUsage usage) {
        static Message of(String id, String model, List<Object> content, String stopReason, String stopSequence,
                          MessageUsage usage) {
            return new Message(id, "message", "assistant", content, model, stopReason, stopSequence, usage);
        }
    }

    /**
     * {@code usage}. Anthropic counts prompt tokens read from the cache apart: input_tokens are those
     * after the cached prefix, so input_tokens + cache_read_input_tokens is the whole prompt. Cria's
     * prefix cache is automatic (no cache_control writes), so cache_creation_input_tokens is 0.
     */
    record MessageUsage(int inputTokens, int cacheCreationInputTokens, int cacheReadInputTokens, int outputTokens) {
        static MessageUsage of(int promptTokens, int cachedTokens, int outputTokens) {
            return new MessageUsage(promptTokens - cachedTokens, 0, cachedTokens, outputTokens);
        }
    }

    record TextBlock(String type, String text) {
        static TextBlock of(String text) {
            return new TextBlock("text", text);
        }
    }

    record ToolUseBlock(String type, String id, String name, Map<?, ?> input) {
        static ToolUseBlock of(String id, String name, Map<?, ?> input) {
            return new ToolUseBlock("tool_use", id, name, input);
        }
    }

    /** {@code event: message_start}. */
    record MessageStart(String type, Message message) {
        static MessageStart of(Message m) {
            return new MessageStart("message_start", m);
        }
    }

    /** {@code event: content_block_start}: a text block starts empty, a tool_use block with input {}. */
    record ContentBlockStart(String type, int index, Object contentBlock) {
        static ContentBlockStart of(int index, Object block) {
            return new ContentBlockStart("content_block_start", index, block);
        }
    }

    /** {@code event: content_block_delta} with a {@link TextDelta} or an {@link InputJsonDelta}. */
    record ContentBlockDelta(String type, int index, Object delta) {
        static ContentBlockDelta of(int index, Object delta) {
            return new ContentBlockDelta("content_block_delta", index, delta);
        }
    }

    record TextDelta(String type, String text) {
        static TextDelta of(String text) {
            return new TextDelta("text_delta", text);
        }
    }

    /** A piece of a tool_use block's input as JSON text; the pieces of a block concatenate to its input. */
    record InputJsonDelta(String type, String partialJson) {
        static InputJsonDelta of(String json) {
            return new InputJsonDelta("input_json_delta", json);
        }
    }

    /** {@code event: content_block_stop}. */
    record ContentBlockStop(String type, int index) {
        static ContentBlockStop of(int index) {
            return new ContentBlockStop("content_block_stop", index);
        }
    }

    /** {@code event: message_delta}: the stop reason and the usage, cumulative for the whole message. */
    record MessageDelta(String type, StopDelta delta, MessageUsage usage) {
        static MessageDelta of(String stopReason, String stopSequence, MessageUsage usage) {
            return new MessageDelta("message_delta", new StopDelta(stopReason, stopSequence), usage);
        }
    }

    record StopDelta(String stopReason, String stopSequence) {
    }

    /** {@code event: ping} and {@code event: message_stop}: frames that are only their type. */
    record Event(String type) {
        static final Event PING = new Event("ping");
        static final Event MESSAGE_STOP = new Event("message_stop");
    }

    /** The answer of {@code /v1/messages/count_tokens}. */
    record TokenCount(int inputTokens) {
    }
}
