package dev.cria.api;

/** Why an answer ended. */
public enum FinishReason {
    /** The model ended its turn, or a stop string was met. */
    STOP,
    /** The token limit ({@link ChatOptions#maxTokens}) or the context was reached. */
    LENGTH,
    /** The answer is tool calls ({@link ChatResult#toolCalls}). */
    TOOL_CALLS,
    /** The stream was cancelled, or Cria closed. */
    CANCELLED
}
