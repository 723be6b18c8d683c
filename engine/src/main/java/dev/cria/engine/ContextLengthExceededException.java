package dev.cria.engine;

/** The prompt does not fit the context (OpenAI error code {@code context_length_exceeded}, HTTP 400). */
public class ContextLengthExceededException extends IllegalArgumentException {
    public ContextLengthExceededException(String message) {
        super(message);
    }
}
