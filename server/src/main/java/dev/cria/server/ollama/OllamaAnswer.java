package dev.cria.server.ollama;

import dev.cria.engine.FinishReason;
import dev.cria.engine.TokenLogprob;
import dev.cria.engine.Usage;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.FunctionTools;
import dev.cria.server.generation.FrameSink;
import dev.cria.server.safety.FilterOutcome;
import dev.cria.server.safety.GuardedAnswers;

import java.io.IOException;
import java.util.List;
import java.util.function.Function;

/**
 * The frames of one Ollama answer ({@code /api/chat} or {@code /api/generate}, one choice), streamed
 * or not: streamed, each piece of text is a line with {@code done: false} and a last line carries
 * {@code done: true}, {@code done_reason} (stop or length) and the statistics; not streamed, the
 * last line alone is the body, with all the text. When tools were offered, text that may be a tool
 * call is held back until the answer ends, then sent as one line with {@code message.tool_calls}
 * (Ollama, too, returns a call whole) or, when it is not one, as text.
 */
final class OllamaAnswer implements GuardedAnswers.Blocked {
    /** The done_reason of an answer the content filter blocked (Cria's: Ollama has no filter, so no reason for one). */
    static final String FILTERED = "content_filter";

    /** How an API shapes its lines. */
    interface Shape {
        /** A line with new text, {@code done: false}. */
        Object text(String text);

        /** A line with the answer's tool calls, {@code done: false}. */
        Object toolCalls(List<OllamaShapes.ToolCall> calls);

        /** The last line: {@code done: true}, the rest of the text (all of it when not streamed) and its calls. */
        Object last(String text, List<OllamaShapes.ToolCall> calls, String doneReason, OllamaShapes.Stats stats);
    }

    private final Shape shape;
    private final boolean stream;
    private final Function<String, List<OllamaShapes.ToolCall>> toolCalls;
    private final Durations durations;
    /** Streamed: text held while it may be a tool call. Not streamed: all the text. */
    private final StringBuilder text = new StringBuilder();
    private boolean holding;

    /**
     * @param toolCalls the calls finished text makes, empty when none (or when no tools were offered)
     * @param holdForTools whether tools were offered, so that text that may be a call is held back
     */
    OllamaAnswer(Shape shape, boolean stream, Function<String, List<OllamaShapes.ToolCall>> toolCalls, boolean holdForTools,
                 Durations durations) {
        this.shape = shape;
        this.stream = stream;
        this.toolCalls = toolCalls;
        this.durations = durations;
        this.holding = holdForTools;
    }

    @Override
    public void text(int choice, String piece, TokenLogprob logprob, FrameSink out) throws IOException {
        durations.token();
        if (stream) {
            release(piece, out);
        } else {
            text.append(piece);
        }
    }

    @Override
    public void finish(int choice, String piece, FinishReason reason, Usage usage, FrameSink out) throws IOException {
        durations.end();
        OllamaShapes.Stats stats = durations.stats(usage.promptTokens(), usage.completionTokens());
        if (stream) {
            release(piece, out);
            List<OllamaShapes.ToolCall> calls = calls(reason);
            if (!calls.isEmpty()) {
                out.send(shape.toolCalls(calls));
            } else if (!text.isEmpty()) {
                out.send(shape.text(text.toString()));
            }
            out.send(shape.last("", List.of(), reason.apiName, stats));
        } else {
            text.append(piece);
            List<OllamaShapes.ToolCall> calls = calls(reason);
            out.send(shape.last(calls.isEmpty() ? text.toString() : "", calls, reason.apiName, stats));
        }
    }

    /** A blocked answer: the last line, with no more text (nothing held is sent) and {@code done_reason: "content_filter"}. */
    @Override
    public void blocked(int choice, FilterOutcome outcome, Usage usage, FrameSink out) throws IOException {
        durations.end();
        out.send(shape.last("", List.of(), FILTERED, durations.stats(usage.promptTokens(), usage.completionTokens())));
    }

    @Override
    public void end(FrameSink out) {
        // the last line went with the choice's finish: Ollama answers one choice
    }

    /** Ollama's error line: {@code {"error": "..."}}. */
    @Override
    public Object error(ApiError e) {
        return OllamaApi.errorBody(e);
    }

    /** Calls only when the model stopped by itself (a call cut by the limit is text) and the text parses as calls. */
    private List<OllamaShapes.ToolCall> calls(FinishReason reason) {
        if (reason != FinishReason.STOP || text.isEmpty() || !FunctionTools.mayBeCall(text)) return List.of();
        return toolCalls.apply(text.toString());
    }

    /** New text: sent at once, or held while it may be the start of a tool call. */
    private void release(String piece, FrameSink out) throws IOException {
        if (piece.isEmpty()) return;
        if (holding) {
            text.append(piece);
            if (FunctionTools.mayBeCall(text)) return;
            holding = false;
            piece = text.toString();
            text.setLength(0);
        }
        out.send(shape.text(piece));
    }
}
