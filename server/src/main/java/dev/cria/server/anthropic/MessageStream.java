package dev.cria.server.anthropic;

import dev.cria.engine.Engine;
import dev.cria.engine.FinishReason;
import dev.cria.engine.TokenLogprob;
import dev.cria.engine.Usage;
import dev.cria.server.anthropic.MessageShapes.ContentBlockDelta;
import dev.cria.server.anthropic.MessageShapes.ContentBlockStart;
import dev.cria.server.anthropic.MessageShapes.ContentBlockStop;
import dev.cria.server.anthropic.MessageShapes.Event;
import dev.cria.server.anthropic.MessageShapes.InputJsonDelta;
import dev.cria.server.anthropic.MessageShapes.Message;
import dev.cria.server.anthropic.MessageShapes.MessageDelta;
import dev.cria.server.anthropic.MessageShapes.MessageStart;
import dev.cria.server.anthropic.MessageShapes.MessageUsage;
import dev.cria.server.anthropic.MessageShapes.TextBlock;
import dev.cria.server.anthropic.MessageShapes.TextDelta;
import dev.cria.server.anthropic.MessageShapes.ToolUseBlock;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ApiJson;
import dev.cria.server.generation.ToolCallHold;
import dev.cria.server.generation.FrameSink;
import dev.cria.server.safety.FilterOutcome;
import dev.cria.server.safety.GuardedAnswers;
import dev.cria.server.structured.ToolCallStream;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One streamed Message, in the event sequence of the API reference ("Streaming Messages"):
 * {@code message_start} (the Message with empty content), {@code ping}, then per content block
 * {@code content_block_start}, {@code content_block_delta}s ({@code text_delta}, or
 * {@code input_json_delta} for a tool_use block's input), {@code content_block_stop}; then
 * {@code message_delta} with the stop_reason and the usage, and {@code message_stop}. An error
 * after the stream began is an {@code event: error} in Anthropic's error shape.
 *
 * <p>With tools offered, text that may still be a tool call is held back (as chat completions hold
 * it): a tool call's JSON is known to be one only when the model ends its turn, so a tool-call
 * answer arrives at the end as whole tool_use blocks, each input in one input_json_delta. Text
 * that cannot be a call streams as it comes. Calls that tool_choice obliges (any, tool) are calls
 * from the first token, so they stream as they are generated: a tool_use block's
 * {@code content_block_start} (id, name, empty input) once its name is written, then an
 * {@code input_json_delta} per piece of its input, {@code content_block_stop} when it ends.
 */
final class MessageStream implements GuardedAnswers.Blocked {
    private final Engine engine;
    private final MessagesRequest request;
    private final String id;
    private final String requestId;
    private final StopSequences stops;
    private final ToolCallHold hold;
    /** Obliged calls, read as they stream; null when the answer may be text. */
    private final ToolCallStream calls;
    /** What the calls reader saw in the latest text: a block to start (its name) or input to send. */
    private final List<Object> callPieces = new ArrayList<>();
    /** Index of the open text block, -1 while none is open. */
    private int textBlock = -1;
    private int blocks;
    private FinishReason reason;
    private Usage usage;
    /** The content filter blocked the answer: it ends with stop_reason "refusal". */
    private boolean refused;

    MessageStream(Engine engine, MessagesRequest request, String id, String requestId) {
        this.engine = engine;
        this.request = request;
        this.id = id;
        this.requestId = requestId;
        this.stops = new StopSequences(request.stopSequences());
        this.hold = new ToolCallHold(!request.tools().isEmpty() && !request.obligedCalls());
        this.calls = request.obligedCalls() ? new ToolCallStream(new ToolCallStream.Listener() {
            @Override
            public void callStarted(int index, String name) {
                callPieces.add(ToolUseBlock.of(AnthropicIds.toolUse(), name, Map.of()));
            }

            @Override
            public void arguments(int index, String fragment) {
                callPieces.add(InputJsonDelta.of(fragment));
            }
        }) : null;
    }

    @Override
    public void start(FrameSink out) throws IOException {
        // What is read from the prefix cache is known only at the end: message_delta's usage corrects it.
        MessageUsage promptOnly = MessageUsage.of(request.prompt().length, 0, 0);
        out.send("message_start", MessageStart.of(Message.of(id, request.model(), List.of(), null, null, promptOnly)));
        out.send("ping", Event.PING);
    }

    @Override
    public void text(int choice, String text, TokenLogprob logprob, FrameSink out) throws IOException {
        stops.add(logprob);
        release(text, out);
    }

    @Override
    public void finish(int choice, String text, FinishReason reason, Usage usage, FrameSink out) throws IOException {
        release(text, out);
        this.reason = reason;
        this.usage = usage;
    }

    @Override
    public void blocked(int choice, FilterOutcome outcome, Usage usage, FrameSink out) {
        this.refused = true;
        this.usage = usage;
    }

    @Override
    public void end(FrameSink out) throws IOException {
        if (refused) {
            // What the filter passed went out; held text (a possible tool call) is dropped with the rest.
            if (calls != null ? calls.calls() > 0 : textBlock >= 0) {
                out.send("content_block_stop", ContentBlockStop.of(calls != null ? blocks - 1 : textBlock));
            }
            out.send("message_delta", MessageDelta.of(Messages.REFUSAL, null,
                    MessageUsage.of(request.prompt().length, usage.cachedTokens(), usage.completionTokens())));
            out.send("message_stop", Event.MESSAGE_STOP);
            return;
        }
        MessageEnding ending = MessageEnding.of(engine, request, hold.whole(), reason, stops.matched());
        if (calls != null) {
            // The obliged calls went out as they were generated; only the last block is still open.
            if (calls.calls() > 0) out.send("content_block_stop", ContentBlockStop.of(blocks - 1));
            out.send("message_delta", MessageDelta.of(ending.stopReason(), ending.stopSequence(),
                    MessageUsage.of(request.prompt().length, usage.cachedTokens(), usage.completionTokens())));
            out.send("message_stop", Event.MESSAGE_STOP);
            return;
        }
        for (ToolUseBlock use : ending.toolUses()) {
            int index = blocks++;
            out.send("content_block_start", ContentBlockStart.of(index, ToolUseBlock.of(use.id(), use.name(), Map.of())));
            out.send("content_block_delta", ContentBlockDelta.of(index, InputJsonDelta.of(ApiJson.string(use.input()))));
            out.send("content_block_stop", ContentBlockStop.of(index));
        }
        if (ending.toolUses().isEmpty() && !hold.held().isEmpty()) sendText(hold.held(), out);
        if (textBlock >= 0) out.send("content_block_stop", ContentBlockStop.of(textBlock));
        out.send("message_delta", MessageDelta.of(ending.stopReason(), ending.stopSequence(),
                MessageUsage.of(request.prompt().length, usage.cachedTokens(), usage.completionTokens())));
        out.send("message_stop", Event.MESSAGE_STOP);
    }

    @Override
    public Object error(ApiError e) {
        return AnthropicErrors.FORMAT.body(e, requestId);
    }

    /** Obliged calls: a tool_use block starts when its name is written; its input follows in pieces. */
    private void streamCalls(String text, FrameSink out) throws IOException {
        callPieces.clear();
        calls.accept(text);
        for (Object piece : callPieces) {
            if (piece instanceof ToolUseBlock start) {
                if (blocks > 0) out.send("content_block_stop", ContentBlockStop.of(blocks - 1));
                out.send("content_block_start", ContentBlockStart.of(blocks++, start));
            } else {
                out.send("content_block_delta", ContentBlockDelta.of(blocks - 1, piece));
            }
        }
    }

    /** New text: sent at once, or held while it may be the start of a tool call. */
    private void release(String text, FrameSink out) throws IOException {
        if (text.isEmpty()) return;
        if (calls != null) {
            hold.release(text);
            streamCalls(text, out);
            return;
        }
        text = hold.release(text);
        if (!text.isEmpty()) sendText(text, out);
    }

    private void sendText(String text, FrameSink out) throws IOException {
        if (textBlock < 0) {
            textBlock = blocks++;
            out.send("content_block_start", ContentBlockStart.of(textBlock, TextBlock.of("")));
        }
        out.send("content_block_delta", ContentBlockDelta.of(textBlock, TextDelta.of(text)));
    }
}
