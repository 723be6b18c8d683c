package dev.cria.server.generation;

import dev.cria.engine.FinishReason;
import dev.cria.engine.TokenLogprob;
import dev.cria.engine.Usage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The frames of a non-streaming answer: each choice's text and logprobs are collected, and when the
 * run ends {@code body} makes the one response body of them. Use with {@link JsonBodyFraming}.
 */
public final class CollectedChoices implements GenerationFrames {
    /** What one choice produced. */
    public record ChoiceOutput(String text, List<TokenLogprob> logprobs, FinishReason reason, Usage usage) {
    }

    private final Function<List<ChoiceOutput>, Object> body;
    private final List<StringBuilder> texts = new ArrayList<>();
    private final List<List<TokenLogprob>> logprobs = new ArrayList<>();
    private final List<ChoiceOutput> done = new ArrayList<>();

    /** {@code body} gets the choices by index. */
    public CollectedChoices(Function<List<ChoiceOutput>, Object> body) {
        this.body = body;
    }

    @Override
    public void text(int choice, String text, TokenLogprob logprob, FrameSink out) {
        grow(choice);
        texts.get(choice).append(text);
        if (logprob != null) logprobs.get(choice).add(logprob);
    }

    @Override
    public void finish(int choice, String text, FinishReason reason, Usage usage, FrameSink out) {
        grow(choice);
        String all = texts.get(choice).append(text).toString();
        done.set(choice, new ChoiceOutput(all, List.copyOf(logprobs.get(choice)), reason, usage));
    }

    @Override
    public void end(FrameSink out) throws IOException {
        out.send(body.apply(List.copyOf(done)));
    }

    private void grow(int choice) {
        while (texts.size() <= choice) {
            texts.add(new StringBuilder());
            logprobs.add(new ArrayList<>());
            done.add(null);
        }
    }
}
