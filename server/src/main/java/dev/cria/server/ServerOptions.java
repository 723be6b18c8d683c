package dev.cria.server;

import java.time.Duration;
import java.util.List;

/**
 * How to serve a model over HTTP.
 *
 * @param host            interface to bind; null = 127.0.0.1 when no API key is configured (nothing
 *                        is exposed by accident), else 0.0.0.0
 * @param port            TCP port; 0 picks a free one ({@link CriaServer#port()} tells which)
 * @param apiKeys         accepted keys (Authorization: Bearer KEY); empty = no authentication
 * @param modelId         the served model id; null = the model's general.name
 * @param aliases         more names the model answers to
 * @param providerModelId the id under {@code /v3/openai} (the hosted provider's naming, for example
 *                        {@code meta-llama/llama-3.2-3b-instruct}); null = derived from the parameter count
 * @param corsOrigins     origins allowed to call from a browser ("*" = any); empty = CORS off
 * @param maxBodyBytes    request bodies larger than this get 413
 * @param shutdownTimeout how long {@link CriaServer#stop()} lets in-flight requests finish before cancelling them
 * @param allowedHosts    without API keys, the Host names (or addresses) requests may carry besides the loopback
 *                        ones; "*" = any. With keys the Host is not checked
 * @param idleTimeout     how long a connection may stay silent before it is closed; a request whose body
 *                        stalls this long gets 408. null = 30 s (Jetty's default)
 * @param shutdownDelay   how long {@link CriaServer#stop()} keeps serving new requests after readiness turned
 *                        false, before it drains: the time a load balancer needs to stop sending (Kubernetes
 *                        removes a terminating pod's endpoints asynchronously). null = none
 * @param vllmMetricNames also export the load gauges the inference gateway's endpoint picker reads under vLLM's
 *                        names ({@code vllm:num_requests_waiting}, ...), for pickers that only know those
 */
public record ServerOptions(String host, int port, List<String> apiKeys, String modelId, List<String> aliases,
                            String providerModelId, List<String> corsOrigins, long maxBodyBytes,
                            Duration shutdownTimeout, List<String> allowedHosts, Duration idleTimeout,
                            Duration shutdownDelay, boolean vllmMetricNames) {
    public ServerOptions {
        apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
        if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0..65535, got " + port);
        if (maxBodyBytes <= 0) throw new IllegalArgumentException("maxBodyBytes must be positive, got " + maxBodyBytes);
        if (shutdownTimeout == null) shutdownTimeout = Duration.ofSeconds(30);
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        if (idleTimeout == null) idleTimeout = Duration.ofSeconds(30);
        if (idleTimeout.isNegative() || idleTimeout.isZero()) throw new IllegalArgumentException("idleTimeout must be positive, got " + idleTimeout);
        if (shutdownDelay == null) shutdownDelay = Duration.ZERO;
        if (shutdownDelay.isNegative()) throw new IllegalArgumentException("shutdownDelay must not be negative, got " + shutdownDelay);
        for (String h : allowedHosts) {
            if (h == null || h.isBlank()) throw new IllegalArgumentException("an allowed host must not be empty");
        }
        for (String k : apiKeys) {
            if (k == null || k.isBlank()) throw new IllegalArgumentException("an API key must not be empty");
        }
    }

    /**
     * Loopback, an ephemeral port, no keys, no CORS, 8 MiB bodies, 30 s to drain, only loopback Host names, 30 s idle,
     * no shutdown delay, only Cria's metric names.
     */
    public static ServerOptions defaults() {
        return new ServerOptions(null, 0, List.of(), null, List.of(), null, List.of(), 8L << 20, Duration.ofSeconds(30),
                List.of(), Duration.ofSeconds(30), Duration.ZERO, false);
    }

    public ServerOptions withHost(String h) {
        return new ServerOptions(h, port, apiKeys, modelId, aliases, providerModelId, corsOrigins, maxBodyBytes, shutdownTimeout, allowedHosts, idleTimeout, shutdownDelay, vllmMetricNames);
    }

    public ServerOptions withPort(int p) {
        return new ServerOptions(host, p, apiKeys, modelId, aliases, providerModelId, corsOrigins, maxBodyBytes, shutdownTimeout, allowedHosts, idleTimeout, shutdownDelay, vllmMetricNames);
    }

    public ServerOptions withApiKeys(List<String> keys) {
        return new ServerOptions(host, port, keys, modelId, aliases, providerModelId, corsOrigins, maxBodyBytes, shutdownTimeout, allowedHosts, idleTimeout, shutdownDelay, vllmMetricNames);
    }

    public ServerOptions withModelId(String id, List<String> moreNames) {
        return new ServerOptions(host, port, apiKeys, id, moreNames, providerModelId, corsOrigins, maxBodyBytes, shutdownTimeout, allowedHosts, idleTimeout, shutdownDelay, vllmMetricNames);
    }

    public ServerOptions withProviderModelId(String id) {
        return new ServerOptions(host, port, apiKeys, modelId, aliases, id, corsOrigins, maxBodyBytes, shutdownTimeout, allowedHosts, idleTimeout, shutdownDelay, vllmMetricNames);
    }

    public ServerOptions withCorsOrigins(List<String> origins) {
        return new ServerOptions(host, port, apiKeys, modelId, aliases, providerModelId, origins, maxBodyBytes, shutdownTimeout, allowedHosts, idleTimeout, shutdownDelay, vllmMetricNames);
    }

    public ServerOptions withMaxBodyBytes(long n) {
        return new ServerOptions(host, port, apiKeys, modelId, aliases, providerModelId, corsOrigins, n, shutdownTimeout, allowedHosts, idleTimeout, shutdownDelay, vllmMetricNames);
    }

    public ServerOptions withShutdownTimeout(Duration d) {
        return new ServerOptions(host, port, apiKeys, modelId, aliases, providerModelId, corsOrigins, maxBodyBytes, d, allowedHosts, idleTimeout, shutdownDelay, vllmMetricNames);
    }

    public ServerOptions withAllowedHosts(List<String> hosts) {
        return new ServerOptions(host, port, apiKeys, modelId, aliases, providerModelId, corsOrigins, maxBodyBytes, shutdownTimeout, hosts, idleTimeout, shutdownDelay, vllmMetricNames);
    }

    public ServerOptions withIdleTimeout(Duration d) {
        return new ServerOptions(host, port, apiKeys, modelId, aliases, providerModelId, corsOrigins, maxBodyBytes, shutdownTimeout, allowedHosts, d, shutdownDelay, vllmMetricNames);
    }

    public ServerOptions withShutdownDelay(Duration d) {
        return new ServerOptions(host, port, apiKeys, modelId, aliases, providerModelId, corsOrigins, maxBodyBytes, shutdownTimeout, allowedHosts, idleTimeout, d, vllmMetricNames);
    }

    public ServerOptions withVllmMetricNames(boolean on) {
        return new ServerOptions(host, port, apiKeys, modelId, aliases, providerModelId, corsOrigins, maxBodyBytes, shutdownTimeout, allowedHosts, idleTimeout, shutdownDelay, on);
    }

    /** The address actually bound: explicit host, else loopback without keys, else all interfaces. */
    public String bindHost() {
        if (host != null && !host.isBlank()) return host;
        return apiKeys.isEmpty() ? "127.0.0.1" : "0.0.0.0";
    }
}
