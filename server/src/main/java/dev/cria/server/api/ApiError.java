package dev.cria.server.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error the API answers with, in the OpenAI envelope
 * {@code {"error": {"message", "type", "param", "code"}}} (see the OpenAI API reference, "Error codes").
 * Thrown anywhere in a handler; the server (its exception handler) turns it into the response.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final Integer retryAfterSeconds;
    /** More members of the error object (Azure's {@code status} and {@code innererror}); empty for most errors. */
    private Map<String, Object> extra = Map.of();

    public ApiError(int status, String type, String message, String param, String code) {
        this(status, type, message, param, code, null);
    }

    private ApiError(int status, String type, String message, String param, String code, Integer retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 400 invalid_request_error naming the offending field ({@code param} may be null). */
    public static ApiError badRequest(String message, String param) {
        return new ApiError(400, "invalid_request_error", message, param, null);
    }

    public static ApiError badRequest(String message, String param, String code) {
        return new ApiError(400, "invalid_request_error", message, param, code);
    }

    public static ApiError contextLengthExceeded(String message, String param) {
        return new ApiError(400, "invalid_request_error", message, param, "context_length_exceeded");
    }

    public static ApiError unauthorized(String message) {
        return new ApiError(401, "invalid_request_error", message, null, "invalid_api_key");
    }

    public static ApiError modelNotFound(String model) {
        return new ApiError(404, "invalid_request_error",
                "The model `" + model + "` does not exist or you do not have access to it.", "model", "model_not_found");
    }

    public static ApiError notFound(String message) {
        return new ApiError(404, "invalid_request_error", message, null, "not_found");
    }

    public static ApiError methodNotAllowed(String message) {
        return new ApiError(405, "invalid_request_error", message, null, "method_not_allowed");
    }

    public static ApiError payloadTooLarge(long limit) {
        return new ApiError(413, "invalid_request_error",
                "Request body too large: the limit is " + limit + " bytes.", null, "request_too_large");
    }

    /** 408: the request (its body) did not arrive within the connection's idle timeout (RFC 9110 §15.5.9). */
    public static ApiError requestTimeout(String message) {
        return new ApiError(408, "invalid_request_error", message, null, "request_timeout");
    }

    /**
     * 421 Misdirected Request: the Host names an authority this server is not configured to answer
     * for (RFC 9110 §7.4, §15.5.20); a keyless server answers only to loopback names.
     */
    public static ApiError misdirected(String message) {
        return new ApiError(421, "invalid_request_error", message, null, "host_not_allowed");
    }

    /** 415: a JSON endpoint got a body that is not declared as JSON (RFC 9110 §15.5.16). */
    public static ApiError unsupportedMediaType(String message) {
        return new ApiError(415, "invalid_request_error", message, null, "unsupported_media_type");
    }

    public static ApiError queueFull(String message, int retryAfterSeconds) {
        return new ApiError(429, "rate_limit_exceeded", message, null, "queue_full", retryAfterSeconds);
    }

    /**
     * 400 for a prompt the content filter blocked, in Azure OpenAI's shape: {@code type} null,
     * {@code param} "prompt", {@code code} "content_filter", then {@code status} and
     * {@code innererror: {"code": "ResponsibleAIPolicyViolation", "content_filter_result": {...}}}.
     */
    public static ApiError contentFiltered(String message, Map<String, Object> contentFilterResult) {
        ApiError e = new ApiError(400, null, message, "prompt", "content_filter");
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("code", "ResponsibleAIPolicyViolation");
        inner.put("content_filter_result", contentFilterResult);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("status", 400);
        extra.put("innererror", inner);
        e.extra = extra;
        return e;
    }

    /**
     * 429 for a key over its rate limit, as OpenAI answers it: type {@code requests} or
     * {@code tokens}, code {@code rate_limit_exceeded}; {@code retryAfterSeconds} null when waiting
     * cannot help (the request exceeds the limit itself).
     */
    public static ApiError rateLimited(String type, String message, Integer retryAfterSeconds) {
        return new ApiError(429, type, message, null, "rate_limit_exceeded", retryAfterSeconds);
    }

    /** 403: a valid key that may not do this (a usage request with an API key instead of an admin key). */
    public static ApiError permissionDenied(String message) {
        return new ApiError(403, "invalid_request_error", message, null, "insufficient_permissions");
    }

    public static ApiError unavailable(String message) {
        return new ApiError(503, "unavailable_error", message, null, "service_unavailable");
    }

    public static ApiError internal(String message) {
        return new ApiError(500, "server_error", message, null, null);
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    /** Seconds for the {@code retry-after} header, or null. */
    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The envelope as a JSON-ready map (null fields kept, as OpenAI sends them). */
    public Map<String, Object> envelope() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", getMessage());
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        error.putAll(extra);
        return Map.of("error", error);
    }
}
