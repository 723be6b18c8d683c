package dev.cria.server;

import dev.cria.engine.Engine;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every handler asks before working: is the model loaded, is the server draining, and which
 * generations are in flight (cancelled when a shutdown runs out of time).
 */
public final class ServerState {
    private final ServerOptions options;
    private volatile Engine engine;
    private volatile ServedModels models;
    private volatile String loadFailure;
    private volatile boolean draining;
    private final Set<GenerationRun> runs = ConcurrentHashMap.newKeySet();
    private final AtomicInteger activeRequests = new AtomicInteger();

    ServerState(ServerOptions options) {
        this.options = options;
    }

    void ready(Engine e, long createdEpochSeconds) {
        models = ServedModels.of(e.info(), options, createdEpochSeconds);
        engine = e;
    }

    void failed(String message) {
        loadFailure = message;
    }

    public boolean isReady() {
        return engine != null && !draining;
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

    Engine engineOrNull() {
        return engine;
    }

    void startDraining() {
        draining = true;
    }

    boolean draining() {
        return draining;
    }

    void register(GenerationRun run) {
        runs.add(run);
    }

    void unregister(GenerationRun run) {
        runs.remove(run);
    }

    void cancelAll() {
        runs.forEach(GenerationRun::cancel);
    }

    AtomicInteger activeRequests() {
        return activeRequests;
    }
}
