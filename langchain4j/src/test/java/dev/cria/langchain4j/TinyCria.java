package dev.cria.langchain4j;

import dev.cria.api.Cria;

import java.nio.file.Path;

/** One Cria on the bundled random-weight model for the whole test JVM: loading once keeps the tests quick. */
final class TinyCria {
    static final Cria CRIA = Cria.builder()
            .model(Path.of(System.getProperty("cria.testdata", "testdata"), "models/tiny-llama3-Q8_0.gguf"))
            .contextSize(2048).threads(2).build();

    private TinyCria() {
    }
}
