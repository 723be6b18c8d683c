package dev.cria.api;

/** Who says a {@link Message}. */
public enum Role {
    /** Instructions for the whole conversation. */
    SYSTEM,
    /** The person (or program) asking. */
    USER,
    /** The model: its earlier answers, text or tool calls. */
    ASSISTANT,
    /** The result of a tool call, sent back to the model. */
    TOOL;

    String templateName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
