package dev.cria.server;

import dev.cria.engine.Engine;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.net.URI;

/**
 * One server over {@link TestServers#start()}'s engine for a whole test class, started before its
 * first test and stopped after its last:
 * {@code @RegisterExtension static final ClassServer server = new ClassServer();}
 */
final class ClassServer implements BeforeAllCallback, AfterAllCallback {
    private TestServers.Running running;

    @Override
    public void beforeAll(ExtensionContext context) {
        running = TestServers.start();
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
