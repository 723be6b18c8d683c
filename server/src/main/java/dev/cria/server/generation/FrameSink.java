package dev.cria.server.generation;

import java.io.IOException;

/**
 * Where an endpoint's frames go: one JSON document per frame, framed by the response's
 * {@link Framing} (an SSE event, an NDJSON line, or the whole JSON body).
 */
public interface FrameSink {
    /** Sends one frame (serialized as by {@code ApiJson}); an {@link IOException} means the client is gone. */
    void send(Object frame) throws IOException;

    /**
     * Sends one frame under an event name, for APIs whose streams name their events (Anthropic's
     * {@code event: message_start}, the Responses API's {@code event: response.created}). Only SSE
     * carries the name; NDJSON lines and JSON bodies say what they are in their own fields.
     */
    void send(String event, Object frame) throws IOException;
}
