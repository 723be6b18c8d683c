package dev.cria.util;

/**
 * A model file or folder that Cria cannot load, with a one-line message that names the
 * problem (and the key or tensor). Callers print {@link #getMessage()}; never a stack trace.
 */
public class ModelFormatException extends RuntimeException {
    public ModelFormatException(String message) {
        super(message);
    }

    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
