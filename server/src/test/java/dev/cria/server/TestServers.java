package dev.cria.server;

import dev.cria.engine.Engine;
import dev.cria.engine.EngineOptions;
import dev.cria.loader.ModelLoader;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where the integration tests get a server. {@link #newEngine()} is the ONE place that chooses the
 * engine: the tiny random-weight model ({@code testdata/models/tiny-llama3-Q8_0.gguf}, real Llama 3
 * tokenizer and chat template), so tests assert only what holds for any model: shapes, counts,
 * agreement between paths, greedy determinism. Tests that must force engine behaviour (failures,
 * tool-call outputs, a full queue) use {@link #scripted}. A test class loads one engine and puts
 * servers with other options over it with {@link #alongside}.
 */
public final class TestServers {
    private TestServers() {
    }

    /** The model every model-agnostic integration test runs against. */
    static Path model() {
        return Path.of(System.getProperty("cria.testdata"), "models/tiny-llama3-Q8_0.gguf");
    }

    /** The engine every model-agnostic integration test runs against. */
    static Engine newEngine() {
        return ModelLoader.openEngine(model(), EngineOptions.defaults());
    }

    /** A server on a loopback ephemeral port over a new {@link #newEngine()}; close() closes both. */
    public static Running start() {
        return start(ServerOptions.defaults());
    }

    public static Running start(ServerOptions options) {
        Engine engine = newEngine();
        return new Running(engine, CriaServer.start(engine, options), true);
    }

    /** Another server over the engine of {@code shared} (other options, no second model load); close() stops only the server. */
    public static Running alongside(Running shared, ServerOptions options) {
        return new Running(shared.engine(), CriaServer.start(shared.engine(), options), false);
    }

    /** A server over a given scripted engine (for tests that observe the engine). */
    public static Running scripted(ScriptedEngine engine, ServerOptions options) {
        return new Running(engine, CriaServer.start(engine, options), true);
    }

    /** A started server and its engine; close() stops the server, and the engine when it owns it. */
    public record Running(Engine engine, CriaServer server, boolean ownsEngine) implements AutoCloseable {
        public String baseUrl() {
            return "http://127.0.0.1:" + server.port();
        }

        public URI uri(String path) {
            return URI.create(baseUrl() + path);
        }

        /** A name the model is served under: general.name, an alias of every model served without --model-id. */
        public String modelId() {
            return engine.info().name();
        }

        @Override
        public void close() {
            server.stop();
            if (ownsEngine) engine.close();
        }
    }
}
