package dev.cria.server;

import dev.cria.engine.Engine;

import java.net.URI;

/**
 * Where the integration tests get a server. {@link #newEngine()} is the ONE place that chooses the
 * engine: the scripted one until the real engine lands, then the tiny random-weight model, e.g.
 * {@code Engine.open(Path.of(System.getProperty("cria.testdata"), "models/tiny-llama3-Q8_0.gguf"),
 * EngineOptions.defaults())}. Tests built on {@link #start()} assert only what holds for any model.
 * Tests that must watch the engine itself (cancellation, a full queue, tool calls) use
 * {@link #scripted}.
 */
public final class TestServers {
    private TestServers() {
    }

    /** The engine every model-agnostic integration test runs against. */
    static Engine newEngine() {
        return ScriptedEngine.quick();
    }

    /** A server on a loopback ephemeral port over {@link #newEngine()}. */
    public static Running start() {
        return start(ServerOptions.defaults());
    }

    public static Running start(ServerOptions options) {
        Engine engine = newEngine();
        return new Running(engine, CriaServer.start(engine, options));
    }

    /** A server over a given scripted engine (for tests that observe the engine). */
    public static Running scripted(ScriptedEngine engine, ServerOptions options) {
        return new Running(engine, CriaServer.start(engine, options));
    }

    /** A started server and its engine; close() stops both. */
    public record Running(Engine engine, CriaServer server) implements AutoCloseable {
        public String baseUrl() {
            return "http://127.0.0.1:" + server.port();
        }

        public URI uri(String path) {
            return URI.create(baseUrl() + path);
        }

        /** The served model id (general.name unless the options set one). */
        public String modelId() {
            return engine.info().name();
        }

        @Override
        public void close() {
            server.stop();
            engine.close();
        }
    }
}
