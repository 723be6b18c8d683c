package dev.cria.server.responses;

import dev.cria.engine.Engine;
import dev.cria.engine.FinishReason;
import dev.cria.engine.TokenLogprob;
import dev.cria.engine.Usage;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.FunctionTools;
import dev.cria.server.generation.ToolCallHold;
import dev.cria.server.generation.FrameSink;
import dev.cria.server.safety.FilterOutcome;
import dev.cria.server.safety.GuardedAnswers;
import dev.cria.server.responses.ResponseShapes.ArgumentsDeltaEvent;
import dev.cria.server.responses.ResponseShapes.ArgumentsDoneEvent;
import dev.cria.server.responses.ResponseShapes.ContentPartEvent;
import dev.cria.server.responses.ResponseShapes.ErrorEvent;
import dev.cria.server.responses.ResponseShapes.FunctionCallItem;
import dev.cria.server.responses.ResponseShapes.MessageItem;
import dev.cria.server.responses.ResponseShapes.OutputItemEvent;
import dev.cria.server.responses.ResponseShapes.OutputText;
import dev.cria.server.responses.ResponseShapes.Response;
import dev.cria.server.responses.ResponseShapes.ResponseEvent;
import dev.cria.server.responses.ResponseShapes.TextDeltaEvent;
import dev.cria.server.responses.ResponseShapes.TextDoneEvent;

import java.io.IOException;
import java.util.List;

/**
 * One streamed response, as the API reference's "Streaming events" send it: {@code response.created}
 * and {@code response.in_progress}; a text answer as one message item ({@code output_item.added},
 * {@code content_part.added}, {@code output_text.delta}…, {@code output_text.done},
 * {@code content_part.done}, {@code output_item.done}); a tool call as a function_call item
 * ({@code output_item.added}, {@code function_call_arguments.delta}, {@code .done},
 * {@code output_item.done}); then {@code response.completed}, or {@code response.incomplete} when
 * max_output_tokens cut it. Every event carries its type and a sequence_number from 0.
 *
 * <p>With tools offered, text that may be a call ({@link FunctionTools#mayBeCall}) is held back
 * until the end, when it is either the calls or released as text: stream and body agree. Calls that
 * {@code tool_choice} obliges are known to be calls from the first token, so they stream as they are
 * generated: {@code output_item.added} once a call's name is complete, then a
 * {@code function_call_arguments.delta} per piece of its arguments, its {@code .done} and
 * {@code output_item.done} when the next call starts or the answer ends.
 */
final class ResponseEvents implements GuardedAnswers.Blocked {
    private final Engine engine;
    private final ResponsesRequest request;
    private final ResponseStore store;
    private final String id;
    private final long createdAt;
    private final String messageId = ResponseIds.message();
    private final ToolCallHold hold;
    /** The obliged calls as they stream; null when the answer may be text. */
    private final ObligedCallStream calls;
    private boolean messageOpen;
    private int sequence;
    private FinishReason reason;
    private Usage usage;
    /** The content filter blocked the answer: the response ends {@code incomplete} (content_filter). */
    private boolean filtered;
    /** The text sent in output_text deltas. */
    private final StringBuilder sent = new StringBuilder();

    ResponseEvents(Engine engine, ResponsesRequest request, ResponseStore store, String id, long createdAt) {
        this.engine = engine;
        this.request = request;
        this.store = store;
        this.id = id;
        this.createdAt = createdAt;
        this.hold = new ToolCallHold(!request.tools().template().isEmpty() && !request.obligedCalls());
        this.calls = request.obligedCalls() ? new ObligedCallStream() : null;
    }

    @Override
    public void start(FrameSink out) throws IOException {
        Response inProgress = request.response(id, createdAt, "in_progress", List.of(), null);
        send(out, new ResponseEvent("response.created", sequence, inProgress));
        send(out, new ResponseEvent("response.in_progress", sequence, inProgress));
    }

    @Override
    public void text(int choice, String text, TokenLogprob logprob, FrameSink out) throws IOException {
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
        this.filtered = true;
        this.usage = usage;
    }

    @Override
    public void end(FrameSink out) throws IOException {
        if (filtered) {
            endFiltered(out);
            return;
        }
        if (calls != null && calls.size() > 0) {
            endCalls(out);
            return;
        }
        ResponseOutput output = ResponseOutput.of(engine, request, hold.whole(), reason);
        if (output.calls().isEmpty()) {
            if (!hold.held().isEmpty()) sendText(hold.held(), out);
            if (!messageOpen) openMessage(out);
            String text = hold.whole();
            send(out, new TextDoneEvent("response.output_text.done", sequence, messageId, 0, 0, text, List.of()));
            send(out, new ContentPartEvent("response.content_part.done", sequence, messageId, 0, 0, OutputText.of(text)));
            send(out, new OutputItemEvent("response.output_item.done", sequence, 0, output.message(messageId)));
        }
        for (int i = 0; i < output.calls().size(); i++) {
            FunctionCallItem c = output.calls().get(i);
            FunctionCallItem started = FunctionCallItem.of(c.id(), c.callId(), c.name(), "", "in_progress");
            send(out, new OutputItemEvent("response.output_item.added", sequence, i, started));
            send(out, new ArgumentsDeltaEvent("response.function_call_arguments.delta", sequence, c.id(), i, c.arguments()));
            send(out, new ArgumentsDoneEvent("response.function_call_arguments.done", sequence, c.id(), i, c.name(), c.arguments()));
            send(out, new OutputItemEvent("response.output_item.done", sequence, i, c));
        }
        Response done = Responses.complete(store, request, id, createdAt, output, messageId, usage);
        send(out, new ResponseEvent("response." + done.status(), sequence, done));
    }

    @Override
    public Object error(ApiError e) {
        return new ErrorEvent("error", sequence++, e.code() != null ? e.code() : e.type(), e.getMessage(), e.param());
    }

    /**
     * A blocked answer: the item already open (the text or calls the filter passed) is closed as
     * {@code incomplete}, held text is dropped, and the response ends with {@code response.incomplete}.
     */
    private void endFiltered(FrameSink out) throws IOException {
        List<Object> items = List.of();
        if (calls != null && calls.size() > 0) {
            closeCall(calls.size() - 1, "incomplete", out);
            items = List.copyOf(calls.items("incomplete"));
        } else if (messageOpen) {
            String text = sent.toString();
            send(out, new TextDoneEvent("response.output_text.done", sequence, messageId, 0, 0, text, List.of()));
            send(out, new ContentPartEvent("response.content_part.done", sequence, messageId, 0, 0, OutputText.of(text)));
            MessageItem item = MessageItem.of(messageId, "incomplete", List.of(OutputText.of(text)));
            send(out, new OutputItemEvent("response.output_item.done", sequence, 0, item));
            items = List.of(item);
        }
        Response done = Responses.filtered(store, request, id, createdAt, items, usage);
        send(out, new ResponseEvent("response.incomplete", sequence, done));
    }

    private void endCalls(FrameSink out) throws IOException {
        String status = reason == FinishReason.STOP ? "completed" : "incomplete";
        closeCall(calls.size() - 1, status, out);
        ResponseOutput output = new ResponseOutput(calls.items(status), "", ResponseOutput.status(reason));
        Response done = Responses.complete(store, request, id, createdAt, output, messageId, usage);
        send(out, new ResponseEvent("response." + done.status(), sequence, done));
    }

    /** Obliged calls: each call's item when its name is known, then its argument fragments as they come. */
    private void streamCalls(String text, FrameSink out) throws IOException {
        for (ObligedCallStream.Piece piece : calls.accept(text)) {
            switch (piece) {
                case ObligedCallStream.Started s -> {
                    if (s.index() > 0) closeCall(s.index() - 1, "completed", out);
                    send(out, new OutputItemEvent("response.output_item.added", sequence, s.index(),
                            calls.item(s.index(), "in_progress")));
                }
                case ObligedCallStream.Fragment f -> send(out, new ArgumentsDeltaEvent(
                        "response.function_call_arguments.delta", sequence, calls.itemId(f.index()), f.index(), f.fragment()));
            }
        }
    }

    private void closeCall(int index, String status, FrameSink out) throws IOException {
        FunctionCallItem c = calls.item(index, status);
        send(out, new ArgumentsDoneEvent("response.function_call_arguments.done", sequence, c.id(), index, c.name(), c.arguments()));
        send(out, new OutputItemEvent("response.output_item.done", sequence, index, c));
    }

    /** New text: sent at once, or held while it may be the start of a function call. */
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
        if (!messageOpen) openMessage(out);
        sent.append(text);
        send(out, new TextDeltaEvent("response.output_text.delta", sequence, messageId, 0, 0, text, List.of()));
    }

    private void openMessage(FrameSink out) throws IOException {
        messageOpen = true;
        send(out, new OutputItemEvent("response.output_item.added", sequence, 0, MessageItem.of(messageId, "in_progress", List.of())));
        send(out, new ContentPartEvent("response.content_part.added", sequence, messageId, 0, 0, OutputText.of("")));
    }

    /** Sends an event under its type's name; the sequence number it carries was read before this call. */
    private void send(FrameSink out, ResponseShapes.Event event) throws IOException {
        sequence++;
        out.send(event.type(), event);
    }
}
