package dev.cria.api;

import dev.cria.engine.GenerationEvent;
import dev.cria.engine.GenerationHandle;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * One answer as it is written: an {@link Iterator} of {@link ChatDelta}s ({@link ChatDelta.Text} pieces,
 * then one {@link ChatDelta.Done}). {@link #hasNext()} and {@link #next()} block until the model has
 * written more. Use it from one thread; {@link #cancel()} may be called from any.
 *
 * <p>When the model may call tools, text that starts like a call ('{' or '[') is held back until the
 * end, so that a call never shows as text: the {@code Done} result then has the calls, or, when it was
 * no call after all, the held text comes as one last {@code Text} piece. Obliged calls never show as text.
 *
 * <pre>{@code
 * try (ChatStream s = cria.stream(messages, options)) {
 *     while (s.hasNext()) if (s.next() instanceof ChatDelta.Text t) System.out.print(t.text());
 * }
 * }</pre>
 */
public final class ChatStream implements Iterator<ChatDelta>, AutoCloseable {
    private final GenerationHandle handle;
    private final ChatPrompts prompts;
    private final boolean mayCall;
    private final ArrayDeque<ChatDelta> ready = new ArrayDeque<>();
    private final StringBuilder text = new StringBuilder();
    private boolean holding;
    private boolean decided;
    private ChatResult result;
    private boolean doneGiven;

    ChatStream(GenerationHandle handle, ChatPrompts prompts, boolean mayCall, boolean callsOnly) {
        this.handle = handle;
        this.prompts = prompts;
        this.mayCall = mayCall;
        this.holding = callsOnly;
        this.decided = callsOnly || !mayCall;
    }

    @Override
    public boolean hasNext() {
        if (!ready.isEmpty()) return true;
        if (doneGiven) return false;
        while (ready.isEmpty()) read();
        return true;
    }

    @Override
    public ChatDelta next() {
        if (!hasNext()) throw new NoSuchElementException("the answer is complete");
        ChatDelta d = ready.poll();
        if (d instanceof ChatDelta.Done) doneGiven = true;
        return d;
    }

    /** Reads the rest and returns the whole answer (the text not yet iterated included). */
    public ChatResult result() {
        while (result == null) read();
        return result;
    }

    /** Stops the generation at the engine's next step; the stream then ends with {@link FinishReason#CANCELLED}. */
    public void cancel() {
        handle.cancel();
    }

    /** Cancels the generation if it still runs. */
    @Override
    public void close() {
        if (result == null) handle.cancel();
    }

    private void read() {
        if (result != null) throw new IllegalStateException("read past the end");
        GenerationEvent e;
        try {
            e = handle.next();
        } catch (InterruptedException ie) {
            handle.cancel();
            Thread.currentThread().interrupt();
            throw new CriaException("interrupted while waiting for the answer", ie);
        }
        switch (e) {
            case GenerationEvent.Token t -> append(t.text());
            case GenerationEvent.Finished f -> {
                append(f.text());
                finish(f);
            }
            case GenerationEvent.Failed f -> {
                result = new ChatResult("", List.of(), FinishReason.CANCELLED, new Usage(0, 0, 0));
                throw new CriaException(f.message(), null);
            }
        }
    }

    private void append(String piece) {
        if (piece.isEmpty()) return;
        int from = text.length();
        text.append(piece);
        if (!decided) {
            String sofar = text.toString().stripLeading();
            if (sofar.isEmpty()) return;
            decided = true;
            char c = sofar.charAt(0);
            holding = c == '{' || c == '[' || sofar.startsWith("<|python_tag|>");
            if (!holding) from = 0;
        }
        if (!holding) ready.add(new ChatDelta.Text(text.substring(from)));
    }

    private void finish(GenerationEvent.Finished f) {
        String all = text.toString();
        List<ToolCall> calls = mayCall && holding && f.reason() == dev.cria.engine.FinishReason.STOP && !all.isBlank()
                ? prompts.parseToolCalls(all) : List.of();
        FinishReason reason = calls.isEmpty() ? reason(f.reason()) : FinishReason.TOOL_CALLS;
        if (calls.isEmpty() && (holding || !decided) && !all.isEmpty()) ready.add(new ChatDelta.Text(all));
        Usage usage = new Usage(f.usage().promptTokens(), f.usage().completionTokens(), f.usage().cachedTokens());
        result = new ChatResult(calls.isEmpty() ? all : "", calls, reason, usage);
        ready.add(new ChatDelta.Done(result));
    }

    private static FinishReason reason(dev.cria.engine.FinishReason r) {
        return switch (r) {
            case STOP -> FinishReason.STOP;
            case LENGTH -> FinishReason.LENGTH;
            case TOOL_CALLS -> FinishReason.TOOL_CALLS;
            case CANCELLED -> FinishReason.CANCELLED;
        };
    }
}
