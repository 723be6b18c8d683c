package dev.cria.engine;

/** Token counts of one generation (OpenAI {@code usage}); cachedTokens = prompt tokens reused from the prefix cache. */
public record Usage(int promptTokens, int completionTokens, int cachedTokens) {
    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
