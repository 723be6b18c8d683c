package dev.cria.server;

import dev.cria.engine.Engine;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URI;
import java.util.function.Supplier;

/**
 * One server for a whole test class, started before its first test and stopped after its last:
 * {@code @RegisterExtension static final ClassServer server = new ClassServer();} serves the tiny
 * model ({@link TestServers#start()}), {@link #scripted()} a quick {@link ScriptedEngine}.
 */
final class ClassServer implements BeforeAllCallback, AfterAllCallback {
    private final Supplier<TestServers.Running> start;
    private TestServers.Running running;

    ClassServer() {
        this(TestServers::start);
    }

    private ClassServer(Supplier<TestServers.Running> start) {
        this.start = start;
    }

    /** A server with the default options over {@link ScriptedEngine#quick()}. */
    static ClassServer scripted() {
        return new ClassServer(() -> TestServers.scripted(ScriptedEngine.quick(), ServerOptions.defaults()));
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        running = start.get();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        running.close();
    }

    TestServers.Running running() {
        return running;
    }

    Engine engine() {
        return running.engine();
    }

    CriaServer server() {
        return running.server();
    }

    String baseUrl() {
        return running.baseUrl();
    }

    URI uri(String path) {
        return running.uri(path);
    }

    String modelId() {
        return running.modelId();
    }
}
