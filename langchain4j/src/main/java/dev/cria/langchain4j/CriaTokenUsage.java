package dev.cria.langchain4j;

import dev.langchain4j.model.output.TokenUsage;

/**
 * LangChain4j's token usage plus the prompt tokens Cria found in its prefix cache: with a chat memory,
 * each turn resends the conversation and only the new part is computed.
 */
public final class CriaTokenUsage extends TokenUsage {
    private final int cachedInputTokens;

    public CriaTokenUsage(int inputTokens, int outputTokens, int cachedInputTokens) {
        super(inputTokens, outputTokens);
        this.cachedInputTokens = cachedInputTokens;
    }

    /** Input tokens reused from the prefix cache, not computed again. */
    public int cachedInputTokens() {
        return cachedInputTokens;
    }
}
