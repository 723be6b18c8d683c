package dev.cria.server.ollama;

import dev.cria.server.api.ApiError;
import dev.cria.server.api.ErrorFormat;

import java.util.Map;

/**
 * What the HTTP layer needs to know of Ollama's API as a whole: where its routes live, and the
 * shape of its errors, {@code {"error": "..."}} (Ollama's own, whatever the status).
 */
public final class OllamaApi {
    /** The prefix of Ollama's routes ({@code /api/...}). */
    public static final String PATH = "/api";

    /** Ollama's errors: the error's own status and the message alone. */
    public static final ErrorFormat ERRORS = new ErrorFormat() {
        @Override
        public int status(ApiError e) {
            return e.status();
        }

        @Override
        public Object body(ApiError e, String requestId) {
            return errorBody(e);
        }
    };

    private OllamaApi() {
    }

    /** An error as Ollama answers it: the message alone. */
    public static Map<String, Object> errorBody(ApiError e) {
        return Map.of("error", e.getMessage());
    }
}
