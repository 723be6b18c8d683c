package dev.cria.server.metrics;

import io.javalin.event.HandlerMetaInfo;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Requests the HTTP server answered, by method, route template and status code:
 * {@code cria_http_requests_total} and {@code cria_http_request_duration_seconds}.
 *
 * <p>{@code path} is the template of the route that handled the request ({@code /v1/models/<id>}),
 * never the raw path: every label value combination is a series kept for the life of the process,
 * so a label must take a bounded set of values (Prometheus, "Instrumentation: Use labels", on
 * cardinality). A request no route handled (an unknown path, a method a path does not take, one
 * refused before routing: a Host not allowed, a missing API key) is labelled {@value #UNMATCHED}.
 * The status is the code itself: the server sends a small fixed set of them, and 429 (queue full)
 * or 413 (body too large) mean more than "4xx".
 */
public final class HttpServerMetrics {
    /** The {@code path} label of a request no registered route handled. */
    public static final String UNMATCHED = "unmatched";

    /**
     * Generations stream for as long as they produce tokens (minutes for a long answer), so the
     * buckets reach past the client's default 10 s to 5 min.
     */
    private static final double[] DURATION_BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

    private final Set<String> routeTemplates = ConcurrentHashMap.newKeySet();
    private final Counter requests;
    private final Histogram duration;

    HttpServerMetrics(PrometheusRegistry registry) {
        // No exemplars: there is no tracer to link a sample to.
        requests = Counter.builder().name("cria_http_requests_total")
                .help("HTTP requests answered, by method, route template and status code.")
                .labelNames("method", "path", "status")
                .withoutExemplars()
                .register(registry);
        duration = Histogram.builder().name("cria_http_request_duration_seconds")
                .help("Time from a request's arrival to the end of its response (a stream's last byte), by method, route template and status code.")
                .labelNames("method", "path", "status")
                .classicOnly()
                .classicUpperBounds(DURATION_BOUNDS)
                .withoutExemplars()
                .register(registry);
    }

    /** Learns a route's template as it is added (Javalin's handlerAdded event); before/after filters are not routes. */
    public void routeAdded(HandlerMetaInfo handler) {
        if (handler.getHttpMethod().isHttpMethod()) routeTemplates.add(handler.getPath());
    }

    /** Records one answered request; called from the server's request logger, after the response. */
    public void observe(Context ctx, float millis) {
        String method = ctx.method().name();
        String status = Integer.toString(ctx.statusCode());
        String route = route(ctx);
        requests.labelValues(method, route, status).inc();
        duration.labelValues(method, route, status).observe(millis / 1000.0);
    }

    /**
     * Javalin sets the endpoint handler path from every handler that runs, before filters ({@code *})
     * included, and refuses to tell it inside a before filter; only a path that is a registered
     * route's template says which route handled the request.
     */
    private String route(Context ctx) {
        if (ctx.handlerType() == HandlerType.BEFORE) return UNMATCHED;
        String path = ctx.endpointHandlerPath();
        return routeTemplates.contains(path) ? path : UNMATCHED;
    }
}
