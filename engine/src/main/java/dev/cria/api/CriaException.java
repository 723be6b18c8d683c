package dev.cria.api;

/**
 * An answer that could not be produced: the engine's queue is full ({@link #busy()}), the conversation
 * does not fit the context, or the model file cannot be read. Wrong arguments (a bad schema, an
 * unknown tool name) are {@link IllegalArgumentException}s instead.
 */
public class CriaException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** Whether the queue was full. */
    private final boolean busy;

    /**
     * An answer that could not be produced.
     *
     * @param message what went wrong
     * @param cause   the engine's exception, or null
     */
    public CriaException(String message, Throwable cause) {
        this(message, cause, false);
    }

    CriaException(String message, Throwable cause, boolean busy) {
        super(message, cause);
        this.busy = busy;
    }

    /** True when the request was refused because too many are waiting; trying again later may work. */
    public boolean busy() {
        return busy;
    }
}
