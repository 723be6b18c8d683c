package dev.cria.engine;

/** Why a generation ended; {@link #apiName} is the OpenAI {@code finish_reason} value. */
public enum FinishReason {
    /** A stop token (EOG) or a stop string. */
    STOP("stop"),
    /** max_tokens reached, or the context is full. */
    LENGTH("length"),
    /** The model produced a tool call (set by the API layer, not by the engine loop). */
    TOOL_CALLS("tool_calls"),
    /** The client went away or the server is shutting down. */
    CANCELLED("cancelled");

    public final String apiName;

    FinishReason(String apiName) {
        this.apiName = apiName;
    }
}
