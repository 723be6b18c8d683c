package dev.cria.engine;

/** The wait queue is full; the caller should retry later (HTTP 429 with retry-after). */
public class EngineBusyException extends RuntimeException {
    public EngineBusyException(String message) {
        super(message);
    }
}
