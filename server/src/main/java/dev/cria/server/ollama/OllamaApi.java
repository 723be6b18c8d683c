package dev.cria.server.ollama;

import dev.cria.server.api.ApiError;

import java.util.Map;

/**
 * What the HTTP layer needs to know of Ollama's API as a whole: which paths are its routes, and the
 * shape of its errors, {@code {"error": "..."}} (Ollama's own, whatever the status).
 */
public final class OllamaApi {
    private OllamaApi() {
    }

    /** Whether {@code path} is one of Ollama's routes ({@code /api/...}). */
    public static boolean owns(String path) {
        return path.equals("/api") || path.startsWith("/api/");
    }

    /** An error as Ollama answers it: the message alone. */
    public static Map<String, Object> errorBody(ApiError e) {
        return Map.of("error", e.getMessage());
    }
}
