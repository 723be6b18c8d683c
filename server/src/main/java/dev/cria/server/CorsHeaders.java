package dev.cria.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CORS response headers for a request's Origin, shared by the API and by Jetty's own error
 * responses. Off (no headers) unless origins are configured. With a list of origins every response
 * depends on the request's Origin, so every one says {@code Vary: Origin} (Fetch standard, "CORS
 * protocol and HTTP caches"), errors included; with "*" none does.
 */
final class CorsHeaders {
    private final List<String> origins;
    private final boolean any;

    CorsHeaders(List<String> origins) {
        this.origins = List.copyOf(origins);
        this.any = origins.contains("*");
    }

    boolean enabled() {
        return !origins.isEmpty();
    }

    /** The headers for a request from {@code origin} (null: no Origin header, or not known). */
    Map<String, String> forOrigin(String origin) {
        Map<String, String> h = new LinkedHashMap<>();
        if (!enabled()) return h;
        if (!any) h.put("Vary", "Origin");
        if (origin == null || (!any && !origins.contains(origin))) return h;
        h.put("Access-Control-Allow-Origin", any ? "*" : origin);
        h.put("Access-Control-Expose-Headers", "x-request-id, retry-after");
        return h;
    }
}
