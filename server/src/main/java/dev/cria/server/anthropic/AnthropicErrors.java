package dev.cria.server.anthropic;

import dev.cria.server.api.ApiError;
import dev.cria.server.api.ErrorFormat;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Errors as the Anthropic API shapes them (API reference, "Errors"):
 * {@code {"type": "error", "error": {"type", "message"}, "request_id"}}, the error type named by
 * the status: 400 invalid_request_error (and other 4XX), 401 authentication_error, 403
 * permission_error, 404 not_found_error, 413 request_too_large, 429 rate_limit_error, 500
 * api_error, 529 overloaded_error. A full generation queue is the server overloaded for everyone,
 * not one client's rate limit, so it is Anthropic's 529 overloaded_error (with retry-after), which
 * the SDKs retry. A server that is loading or draining stays a 503, also typed overloaded_error:
 * it too is temporarily unable to serve anyone.
 */
public final class AnthropicErrors implements ErrorFormat {
    public static final AnthropicErrors FORMAT = new AnthropicErrors();
    /** Anthropic's "API is temporarily overloaded" status. */
    static final int OVERLOADED = 529;

    private AnthropicErrors() {
    }

    @Override
    public int status(ApiError e) {
        return "queue_full".equals(e.code()) ? OVERLOADED : e.status();
    }

    @Override
    public Object body(ApiError e, String requestId) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("type", type(status(e)));
        error.put("message", e.getMessage());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "error");
        body.put("error", error);
        if (requestId != null) body.put("request_id", requestId);
        return body;
    }

    static String type(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, OVERLOADED -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }
}
