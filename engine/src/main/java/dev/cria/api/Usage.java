package dev.cria.api;

/**
 * Tokens one answer used.
 *
 * @param promptTokens     tokens of the rendered conversation
 * @param completionTokens tokens the model generated
 * @param cachedTokens     prompt tokens found in the prefix cache (not computed again)
 */
public record Usage(int promptTokens, int completionTokens, int cachedTokens) {
    /** Prompt and completion tokens together. */
    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
