package dev.cria.server.safety;

import dev.cria.engine.FinishReason;
import dev.cria.engine.TokenLogprob;
import dev.cria.engine.Usage;
import dev.cria.server.api.ApiError;
import dev.cria.server.generation.FrameSink;
import dev.cria.server.generation.GenerationFrames;
import dev.cria.server.generation.GenerationRun;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The response filter in front of an API's frames (docs/safety.md): the one stream gate of the
 * Responses, Anthropic and Ollama endpoints (chat completions keep their own, whose chunks also
 * carry each check's {@code content_filter_results}). Text events are held per choice and
 * passed on to the API's frames only once a check passed them: streamed, every
 * {@code --guard-interval} tokens and at the end; not streamed, once, on the whole answer. A blocked
 * answer reaches the API's frames as {@link Blocked#blocked} instead of its {@code finish} (its
 * held text is dropped), and a choice blocked mid-stream is stopped ({@link GenerationRun#stop}).
 * Without a filter every event goes straight through.
 */
public final class GuardedAnswers implements GenerationFrames {
    /** An API's frames that can end an answer the filter blocked, in that API's own terms. */
    public interface Blocked extends GenerationFrames {
        /**
         * {@code choice}'s answer was blocked: end it as the API reports a filtered answer. Called
         * instead of {@link #finish}; {@code usage} counts the tokens generated until the block.
         */
        void blocked(int choice, FilterOutcome outcome, Usage usage, FrameSink out) throws IOException;
    }

    /** Judges a choice's answer so far (all of it at the end); a 503 when interrupted ({@link ContentSafety#judgeAnswer}). */
    public interface Judge {
        FilterOutcome check(int choice, String answer);
    }

    private record Held(String text, TokenLogprob logprob) {
    }

    private static final class Choice {
        final StringBuilder passed = new StringBuilder();
        final StringBuilder unchecked = new StringBuilder();
        final List<Held> held = new ArrayList<>();
        int tokens;
        boolean blocked;
    }

    private final Blocked inner;
    private final Judge judge;
    private final GenerationRun run;
    private final int interval;
    private final int promptTokens;
    private final Choice[] choices;

    private GuardedAnswers(Blocked inner, Judge judge, GenerationRun run, int interval, int promptTokens) {
        this.inner = inner;
        this.judge = judge;
        this.run = run;
        this.interval = interval;
        this.promptTokens = promptTokens;
        this.choices = new Choice[run.size()];
        for (int i = 0; i < choices.length; i++) choices[i] = new Choice();
    }

    /**
     * {@code inner} behind the response filter of {@code safety}, or {@code inner} itself when no
     * filter is loaded. {@code stream}: checked every interval; else only the whole answer.
     */
    public static GenerationFrames of(ContentSafety safety, Blocked inner, Judge judge, GenerationRun run, boolean stream,
                                      int promptTokens) {
        if (!safety.active()) return inner;
        return new GuardedAnswers(inner, judge, run, stream ? safety.interval() : Integer.MAX_VALUE, promptTokens);
    }

    @Override
    public void start(FrameSink out) throws IOException {
        inner.start(out);
    }

    @Override
    public void text(int index, String text, TokenLogprob logprob, FrameSink out) throws IOException {
        Choice c = choices[index];
        if (c.blocked) return;
        c.tokens++;
        c.held.add(new Held(text, logprob));
        c.unchecked.append(text);
        if (c.tokens % interval == 0 && !c.unchecked.isEmpty()) {
            FilterOutcome o = check(index, c.passed + c.unchecked.toString());
            if (o.blocked()) {
                block(index, c, o, new Usage(promptTokens, c.tokens, 0), out);
                run.stop(index);
            } else {
                release(index, c, out);
            }
        }
    }

    @Override
    public void finish(int index, String text, FinishReason reason, Usage usage, FrameSink out) throws IOException {
        Choice c = choices[index];
        if (c.blocked) return;
        FilterOutcome o = check(index, c.passed + c.unchecked.toString() + text);
        if (o.blocked()) {
            block(index, c, o, usage, out);
            return;
        }
        release(index, c, out);
        inner.finish(index, text, reason, usage, out);
    }

    @Override
    public void end(FrameSink out) throws IOException {
        inner.end(out);
    }

    @Override
    public Object error(ApiError e) {
        return inner.error(e);
    }

    private void block(int index, Choice c, FilterOutcome o, Usage usage, FrameSink out) throws IOException {
        c.blocked = true;
        c.held.clear();
        c.unchecked.setLength(0);
        inner.blocked(index, o, usage, out);
    }

    /** The text a check passed goes on to the API's frames, event by event (each with its logprob). */
    private void release(int index, Choice c, FrameSink out) throws IOException {
        for (Held h : c.held) inner.text(index, h.text(), h.logprob(), out);
        c.held.clear();
        c.passed.append(c.unchecked);
        c.unchecked.setLength(0);
    }

    private FilterOutcome check(int index, String answer) {
        return judge.check(index, answer);
    }
}
