package dev.cria.cli;

import java.util.Locale;

/**
 * The line after each answer in {@code cria chat}, as Ollama's {@code --verbose} shows: tokens, the
 * wait for the first token (the prompt's prefill) and the generation rate after it.
 */
final class AnswerTiming {
    private final long submitted;
    private long firstToken;
    private long lastToken;

    AnswerTiming() {
        this(System.nanoTime());
    }

    AnswerTiming(long submittedNanos) {
        this.submitted = submittedNanos;
    }

    void token() {
        token(System.nanoTime());
    }

    void token(long nanos) {
        if (firstToken == 0) firstToken = nanos;
        lastToken = nanos;
    }

    /** "(12 tokens · first after 0.41 s · 14.2 tokens/s)"; the rate needs two tokens. */
    String summary(int tokens) {
        StringBuilder b = new StringBuilder("(").append(tokens).append(tokens == 1 ? " token" : " tokens");
        if (firstToken != 0) {
            b.append(String.format(Locale.ROOT, " · first after %.2f s", (firstToken - submitted) / 1e9));
            if (tokens > 1 && lastToken > firstToken) {
                b.append(String.format(Locale.ROOT, " · %.1f tokens/s", (tokens - 1) / ((lastToken - firstToken) / 1e9)));
            }
        }
        return b.append(")").toString();
    }
}
