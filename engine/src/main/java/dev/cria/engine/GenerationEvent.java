package dev.cria.engine;

/** What a running generation reports, in order: zero or more {@link Token}s, then exactly one {@link Finished} or {@link Failed}. */
public sealed interface GenerationEvent {
    /**
     * One generated token. {@code text} is the new, complete-UTF-8, stop-safe text it released
     * (may be empty while a multi-byte character or a possible stop string is held back).
     * {@code logprob} is null unless the request asked for logprobs.
     */
    record Token(int tokenId, String text, TokenLogprob logprob) implements GenerationEvent {
    }

    /** The end: any text still held back is in {@code text} (may be empty). */
    record Finished(FinishReason reason, String text, Usage usage) implements GenerationEvent {
    }

    /** The generation could not run (for example the prompt is longer than the context). */
    record Failed(String message) implements GenerationEvent {
    }
}
