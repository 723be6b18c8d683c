package dev.cria.server.serving;

import dev.cria.engine.Engine;
import dev.cria.engine.GenerationHandle;
import dev.cria.server.api.ApiError;
import dev.cria.server.api.ServedModels;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every handler asks before working: is the model loaded, is the server draining, and which
 * generations are in flight (cancelled when a shutdown runs out of time). The server's lifecycle
 * ({@code CriaServer}) drives {@link #ready}, {@link #failed}, {@link #withdraw},
 * {@link #startDraining} and {@link #cancelAll}; endpoints only read.
 *
 * <p>A shutdown has two steps because a load balancer learns late that a server is going: first
 * the server is <em>withdrawn</em> (readiness false, requests still served, so what the balancer
 * still sends is not lost), then it <em>drains</em> (new requests 503, in-flight ones finish).
 * Liveness ({@link #isLive}) stays true through both: a loading or draining server is not stuck,
 * and restarting it would only lose the work.
 */
public final class ServerState {
    private volatile Engine engine;
    private volatile ServedModels models;
    private volatile String loadFailure;
    private volatile boolean withdrawn;
    private volatile boolean draining;
    private final Set<GenerationHandle> inFlight = ConcurrentHashMap.newKeySet();
    private final AtomicInteger activeRequests = new AtomicInteger();

    /** The model is loaded and answers to {@code models}. */
    public void ready(Engine e, ServedModels models) {
        this.models = models;
        engine = e;
    }

    public void failed(String message) {
        loadFailure = message;
    }

    /** Readiness: the model is loaded and the server has not begun to shut down. */
    public boolean isReady() {
        return engine != null && !withdrawn && !draining;
    }

    /** Liveness: false only once loading has failed (nothing will ever be served); true while loading and draining. */
    public boolean isLive() {
        return loadFailure == null;
    }

    /** Still loading the model (neither loaded nor failed). */
    public boolean isLoading() {
        return engine == null && loadFailure == null;
    }

    /** Shutting down: withdrawn or draining. */
    public boolean isShuttingDown() {
        return withdrawn || draining;
    }

    /** The first step of a shutdown: readiness false, requests still served. */
    public void withdraw() {
        withdrawn = true;
    }

    /** The engine, or 503 while the model loads (or failed to) and while the server drains. */
    public Engine engine() {
        if (draining) throw ApiError.unavailable("The server is shutting down.");
        Engine e = engine;
        if (e == null) {
            String f = loadFailure;
            throw ApiError.unavailable(f == null ? "The model is still loading. Please retry shortly." : "The model failed to load: " + f);
        }
        return e;
    }

    /** The served names (call after {@link #engine()}). */
    public ServedModels models() {
        engine();
        return models;
    }

    /** The served model's id (what usage is recorded under), even while draining; null before it is loaded. */
    public String modelId() {
        ServedModels m = models;
        return m == null ? null : m.id();
    }

    /** The engine even while draining, or null before it is loaded: for shutdown and metrics. */
    public Engine engineOrNull() {
        return engine;
    }

    /** The second step of a shutdown: new requests 503 (readiness stays false). */
    public void startDraining() {
        withdrawn = true;
        draining = true;
    }

    /** Generations a shutdown may have to cancel; {@link #unregister} them once their request is done. */
    public void register(Collection<GenerationHandle> handles) {
        inFlight.addAll(handles);
    }

    public void unregister(Collection<GenerationHandle> handles) {
        inFlight.removeAll(handles);
    }

    /** Stops every generation in flight at the engine's next step. */
    public void cancelAll() {
        inFlight.forEach(GenerationHandle::cancel);
    }

    /** Requests being served (counted by the HTTP layer), which a graceful stop waits for. */
    public AtomicInteger activeRequests() {
        return activeRequests;
    }
}
